"""What makes a run start fast, and that it changes no result: rule files validated once, and
word lists that let a rule skip a story holding none of its words."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter import Linter, RuleLoadError, load_rules, loading
from linter.readers import read_article
from linter.ruletypes._matching import required_words


@pytest.fixture()
def cache_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(folder))
    return folder


def write_rule(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "wordy.yml"
    path.write_text(text, encoding="utf-8")
    return path


RULE = "type: substitution\nmessage: 'Use {expected}.'\nswap:\n  prior to: before\n"


def test_an_unchanged_rule_file_is_validated_once(tmp_path, cache_dir, monkeypatch) -> None:
    pack = tmp_path / "pack"
    write_rule(pack / "house", RULE)
    load_rules([pack], include_bundled=False)
    assert (cache_dir / "validated-rules.marshal").is_file()
    loading._validated.clear()  # as a new process would start

    def no_validation(type_name):
        raise AssertionError(f"validated {type_name} again")

    monkeypatch.setattr(loading, "_validator", no_validation)
    rules = load_rules([pack], include_bundled=False).rules
    assert [r.spec.id for r in rules] == ["house.wordy"]


def test_a_changed_rule_file_is_validated_again(tmp_path, cache_dir) -> None:
    pack = tmp_path / "pack"
    path = write_rule(pack / "house", RULE)
    load_rules([pack], include_bundled=False)
    path.write_text(RULE + "sevrity: error\n", encoding="utf-8")
    with pytest.raises(RuleLoadError) as caught:
        load_rules([pack], include_bundled=False)
    assert caught.value.key == "sevrity" and caught.value.line == 5


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(blocked / "copydesk"))
    pack = tmp_path / "pack"
    write_rule(pack / "house", RULE)
    assert len(load_rules([pack], include_bundled=False).rules) == 1
    assert len(load_rules([pack], include_bundled=False).rules) == 1


def test_required_words_pick_an_uncommon_word_of_each_phrase() -> None:
    assert required_words(["at the end of the day", "prior to", "e-mail"]) == {"end", "prior", "mail"}
    assert required_words(["’til"]) == {"til"}
    assert required_words(["$"]) is None  # no word: such a rule always scans
    assert required_words(["Ñandú"]) is None  # non-ASCII words are matched with other folds


# Stories that hold a rule's words in other cases, scripts and spellings than its list.
STORIES = [
    "Prior To the vote, the PRIOR TO clause was read. He sent an E-Mail.",
    "The KIEV office and the Kyiv office. Theatre critics met. At The End Of The Day, no.",
    "İstanbul and ISTANBUL; ſtate and STATE; the Straße; a naïve plan; in order to win.",
    "Towards the end, the advisor spoke; later the adviser spoke. Per cent, PER CENT, percent.",
    "The Environmental Protection Agency (EPA) said its Web site and wifi were down; colours faded.",
]


@pytest.mark.parametrize("story", STORIES)
def test_skipping_by_words_finds_exactly_what_a_full_scan_finds(story: str, monkeypatch) -> None:
    linter = Linter()
    article = read_article(story, "text")
    with_skips = linter.check_article(article)
    fresh = read_article(story, "text")
    # The same rules with every word list emptied of its words: nothing can be skipped.
    for rule in linter.rules:
        if getattr(rule, "triggers", None) is not None:
            monkeypatch.setattr(rule, "triggers", None)
        shared = getattr(rule, "shared", None)
        if shared is not None and shared.triggers is not None:
            monkeypatch.setattr(shared, "triggers", None)
        if getattr(rule, "candidates", None) is not None:
            monkeypatch.setattr(rule, "candidates", None)
        if getattr(rule, "literals", None) is not None:
            monkeypatch.setattr(rule, "literals", None)
        if hasattr(rule, "pairs"):
            monkeypatch.setattr(rule, "pairs", [(a, b, pattern, None, None) for a, b, pattern, _, _ in rule.pairs])
    monkeypatch.setattr(type(fresh), "vocabulary", property(lambda self: frozenset()), raising=True)
    without = linter.check_article(fresh)
    assert [(f.rule, f.start, f.end, f.message) for f in with_skips] == [(f.rule, f.start, f.end, f.message) for f in without]
    assert with_skips  # the stories do hold findings for these rules


def test_required_text_is_in_every_match() -> None:
    from linter.patterns import required_text

    assert required_text(r"([A-Z][\w.&-]*) \((?:[A-Z]{2,8})\)") == " ("
    assert required_text(r"[Ww]eb (site|page)(s)?") == "eb "
    assert required_text(r"a\bcd") == "acd"  # zero-width assertions do not break a run
    assert required_text(r"(?i)internet") is None  # matched in any case
    assert required_text(r"x+") is None


def test_patterns_of_an_unchanged_rule_file_compile_when_first_used(tmp_path, cache_dir) -> None:
    pack = tmp_path / "pack"
    rule_file = pack / "house" / "filler.yml"
    rule_file.parent.mkdir(parents=True)
    rule_file.write_text("type: existence\nmessage: 'Cut {actual}.'\npatterns:\n  - 'very (?:much|many)'\n", encoding="utf-8")
    first = load_rules([pack], include_bundled=False).rules[0]
    assert first.matchers[0]._compiled is not None  # a new file: checked while loading
    loading._validated.clear()
    second = load_rules([pack], include_bundled=False).rules[0]
    assert second.matchers[0]._compiled is None  # unchanged: compiled later, if ever
    linter = Linter(rules=[second])
    _, findings = linter.check("Thanks very much, the mayor said.")
    assert [(f.rule, f.start, f.end) for f in findings] == [("house.filler", 7, 16)]
    assert second.matchers[0]._compiled is not None


def test_data_files_are_parsed_once_per_content(tmp_path, cache_dir, monkeypatch) -> None:
    from linter import datafiles

    path = tmp_path / "places.yml"
    path.write_text("cities: [Lyon, Dakar]\n", encoding="utf-8")
    assert datafiles.read_data_file(path) == {"cities": ["Lyon", "Dakar"]}
    datafiles._parse.cache_clear()  # as a new process would start

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed again")

    import yaml

    monkeypatch.setattr(yaml, "load", no_parsing)
    assert datafiles.read_data_file(path) == {"cities": ["Lyon", "Dakar"]}
    monkeypatch.undo()
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(cache_dir))
    path.write_text("cities: [Lyon, Dakar, Quito]\n", encoding="utf-8")
    datafiles._parse.cache_clear()
    assert datafiles.read_data_file(path) == {"cities": ["Lyon", "Dakar", "Quito"]}


def test_phrase_rules_checked_together_find_what_each_finds_alone(tmp_path) -> None:
    from linter.engine import lint

    pack = tmp_path / "pack" / "house"
    pack.mkdir(parents=True)
    (pack / "a.yml").write_text("type: existence\nmessage: a\nignorecase: true\ntokens: [in the wake, going forward]\n")
    (pack / "b.yml").write_text("type: existence\nmessage: b\nignorecase: true\ntokens: [in the wake of, clearly]\nskip_quotes: true\n")
    (pack / "c.yml").write_text("type: existence\nmessage: c\nignorecase: true\ntokens: [clearly, Going forward]\nexceptions: [going forward]\n")
    rules = list(load_rules([tmp_path / "pack"], include_bundled=False).rules)
    assert len({rule.group for rule in rules}) == 1 and rules[0].group is not None
    story = ('Ferry fares rise\n\nIn the wake of the storm, fares rose. "Clearly we must act," she said.\n\n'
             "Going forward, the city clearly needs ferries.\n")
    together = [(f.rule, f.start, f.end) for f in lint(read_article(story), rules)]
    alone = sorted((f.rule, f.start, f.end) for rule in rules for f in lint(read_article(story), [rule]))
    assert sorted(together) == alone
    assert ("house.a", 18, 29) in together and ("house.b", 18, 32) in together  # "In the wake" and "In the wake of"
    assert not any(rule == "house.b" and start == 57 for rule, start, _ in together)  # quoted "Clearly"
    assert not any(rule == "house.c" and story[start:end].lower() == "going forward" for rule, start, end in together)


from hypothesis import given, settings, strategies as st  # noqa: E402

_PIECES = ["the plan", "prior to", "in order to", "Mr.", "U.S.", "said.", "Oct.", "11.", "“Yes,”", "no!",
           "why?", "’til", "per cent", "at the end", "of the day.", "—", "(see", "below).", "3.5", "a.m.", "\n"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=30), min_size=1, max_size=4))
def test_searching_paragraphs_finds_what_searching_sentences_finds(paragraphs) -> None:
    from linter.ruletypes._matching import compile_phrases

    story = "Fares rise\n\n" + "\n\n".join(" ".join(words) for words in paragraphs) + "\n"
    article = read_article(story, "text")
    for ignorecase in (False, True):
        pattern = compile_phrases(["prior to", "in order to", "per cent", "the end of the day", "the plan", "’til", "Mr"],
                                  ignorecase=ignorecase)
        by_sentence = [(block.index, found.start(), found.end(), found.group())
                       for block in article.sentences for found in pattern.finditer(block.text)]
        by_paragraph = [(block.index, start, end, text) for block, start, end, text in article.find_in_scope("sentence", pattern.finditer)]
        assert by_paragraph == by_sentence


@pytest.mark.parametrize("named", ["NYPD", "N.Y.P.D.", "the New York Police Department"])
def test_department_rule_still_reads_a_story_naming_a_force_however_written(named: str) -> None:
    story = (f"Flooding closes streets in New Orleans\n\nNEW ORLEANS — Floodwater closed streets across New Orleans on "
             f"Monday, and {named} officers directed traffic around the French Quarter.\n\n"
             "New Orleans officials said the pumps would run all night.\n")
    findings = [f for f in Linter().check(story, "text")[1] if f.rule == "newsroom.department"]
    assert len(findings) == 1 and "New Orleans" in findings[0].message


def test_dotted_initials_count_as_the_words_they_spell() -> None:
    vocabulary = read_article("Police\n\nThe A.N.Y.P.D. and U.S. officials met at 9 a.m.\n", "text").vocabulary
    assert {"nypd", "anypd", "us", "am"} <= vocabulary
    assert required_words(["N.Y.P.D."]) == {"nypd"}


def test_a_memo_keeps_results_across_runs(cache_dir) -> None:
    from linter import cache

    calls = []

    def literals(pattern: str, flags: int) -> frozenset[str]:
        calls.append(pattern)
        return frozenset({pattern.lower()})

    memo = cache.Memo("test-literals", literals)
    assert memo("Sign up", 2) == frozenset({"sign up"}) and memo("Sign up", 2) == frozenset({"sign up"})
    assert calls == ["Sign up"]
    cache.flush()
    again = cache.Memo("test-literals", literals)  # as in the next run
    assert again("Sign up", 2) == frozenset({"sign up"}) and calls == ["Sign up"]
    assert again("Sign up", 0) == frozenset({"sign up"}) and calls == ["Sign up", "Sign up"]  # other flags
    cache._MEMOS[:] = [m for m in cache._MEMOS if m.name != memo.name]


def test_compiled_programs_kept_across_runs_match_like_re_compile(cache_dir, monkeypatch) -> None:
    import re

    from linter import patterns

    monkeypatch.setattr(patterns, "_programs", {})
    source = r"(?<![\w’'])(?P<month>Oct|Sept)\.? (?P<day>\d{1,2})(?:st|nd|rd|th)?(?![\w’'])"
    first = patterns.compile_re(source, re.IGNORECASE)
    assert len(list(cache_dir.glob("re-programs-*/*.marshal"))) == 1  # one file per program
    monkeypatch.setattr(patterns, "_programs", {})  # as in the next run

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(re._parser, "parse", no_parsing)
    again = patterns.compile_re(source, re.IGNORECASE)
    monkeypatch.undo()
    expected = re.compile(source, re.IGNORECASE)
    text = "On oct. 11th and Sept 3, not Oct 111."
    for compiled in (first, again):
        assert compiled.flags == expected.flags and compiled.groupindex == expected.groupindex
        assert [m.groupdict() | {"span": m.span()} for m in compiled.finditer(text)] == \
               [m.groupdict() | {"span": m.span()} for m in expected.finditer(text)]
    with pytest.raises(re.error):
        patterns.compile_re("(unclosed")


def test_a_damaged_stored_program_is_compiled_afresh(cache_dir, monkeypatch) -> None:
    import re

    from linter import patterns

    monkeypatch.setattr(patterns, "_programs", {})
    patterns.compile_re(r"\bcolou?r\b", re.IGNORECASE)
    (stored,) = cache_dir.glob("re-programs-*/*.marshal")
    stored.write_bytes(b"not a program")
    monkeypatch.setattr(patterns, "_programs", {})
    again = patterns.compile_re(r"\bcolou?r\b", re.IGNORECASE)
    assert [m.span() for m in again.finditer("Colour, color, colors")] == [(0, 6), (8, 13)]


def test_old_programs_are_pruned_past_the_limit(cache_dir, monkeypatch) -> None:
    from linter import patterns

    monkeypatch.setattr(patterns, "_PROGRAMS_KEPT", 10)
    monkeypatch.setattr(patterns, "_programs", {})
    monkeypatch.setattr(patterns, "_programs_written", 0)
    for n in range(12):
        patterns.compile_re(f"word{n}")
    assert len(list(cache_dir.glob("re-programs-*/*.marshal"))) == 12
    patterns._prune_programs()
    assert len(list(cache_dir.glob("re-programs-*/*.marshal"))) == 6


PLUGIN_MODULE = '''
import re
from linter import RuleType, Match


class Shouting(RuleType):
    name = "shouting"
    options_schema = {}

    def check(self, article, context):
        for block in article.paragraphs:
            for found in re.finditer(r"\\b[A-Z]{5,}\\b", block.text):
                yield Match(block, found.start(), found.end(), data={"actual": found.group()})
'''


def install_plugin(site: Path) -> None:
    """A third-party distribution registering a rule type, as pip would lay it out."""
    (site / "shouting_plugin.py").write_text(PLUGIN_MODULE, encoding="utf-8")
    info = site / "shouting_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: shouting-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[copydesk.rule_types]\nshouting = shouting_plugin:Shouting\n")


def test_a_plugin_installed_after_a_run_is_found_and_its_rules_run(tmp_path, cache_dir, monkeypatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    pack = tmp_path / "pack"
    (pack / "house").mkdir(parents=True)
    (pack / "house" / "shouting.yml").write_text("type: shouting\nmessage: 'Do not shout {actual}.'\n")
    loading.rule_type_entry_points.cache_clear()
    loading.rule_type.cache_clear()
    assert "shouting" not in loading.rule_type_entry_points()
    assert (cache_dir / "rule-type-entry-points.marshal").is_file()  # the registry is now cached
    loading.rule_type_entry_points.cache_clear()  # as the next run starts: nothing installed since

    def no_scan(**kwargs):
        raise AssertionError("installed distributions listed again")

    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "entry_points", no_scan)
    assert "substitution" in loading.rule_type_entry_points()
    monkeypatch.undo()
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(cache_dir))
    monkeypatch.syspath_prepend(str(site))
    with pytest.raises(RuleLoadError, match="unknown rule type 'shouting'"):
        load_rules([pack], include_bundled=False)

    install_plugin(site)  # as `pip install` would, between two runs
    loading.rule_type_entry_points.cache_clear()
    try:
        assert loading.rule_type_entry_points()["shouting"].value == "shouting_plugin:Shouting"
        rules = load_rules([pack], include_bundled=False).rules
        article = read_article("Storm\n\nThe mayor said it was TERRIBLE news.\n", "text")
        from linter.engine import lint
        from linter.ruletypes.base import LintContext

        findings = lint(article, rules, LintContext())
        assert [(f.rule, f.message) for f in findings] == [("house.shouting", "Do not shout TERRIBLE.")]
    finally:
        loading.rule_type_entry_points.cache_clear()
        loading.rule_type.cache_clear()


def test_package_versions_are_importlib_metadatas_and_kept_across_runs(cache_dir, monkeypatch) -> None:
    import importlib.metadata

    from linter import cache

    monkeypatch.setattr(cache, "_versions", None)
    assert cache.package_version("PyYAML") == importlib.metadata.version("PyYAML")
    assert cache.package_version("no-such-distribution-here") is None
    monkeypatch.setattr(cache, "_versions", None)  # as the next run starts

    def no_lookup(name):
        raise AssertionError(f"looked up {name} again")

    monkeypatch.setattr(importlib.metadata, "version", no_lookup)
    assert cache.package_version("PyYAML") == importlib.metadata.distribution("PyYAML").version
    assert cache.package_version("no-such-distribution-here") is None


def test_regex_module_programs_kept_across_runs_match_like_regex_compile(cache_dir, monkeypatch) -> None:
    regex = pytest.importorskip("regex")
    from regex import _main

    from linter import patterns

    sources = [
        r"(?<![\w’'])(?:(?:click|tap) (?:here|this link) (?:to|for) [^.!?\n]{1,120}[.!]?)(?:(?=['’]s\b)|(?![\w’']))",
        r"(?P<word>\b\w+)\s+(?P=word)\b",
        r"^(?:Related|Read more):.*$",
    ]
    flags = int(regex.V0 | regex.IGNORECASE | regex.MULTILINE)
    text = "Click here to read more. the the end\nRead more: tap this link for the rest!\nRELATED: x"
    expected = [[m.span() for m in regex.compile(s, flags).finditer(text)] for s in sources]
    first = [patterns.compile_regex_module(s, flags) for s in sources]
    assert len(list(cache_dir.glob("re-programs-*/*.marshal"))) == len(sources)

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(_main, "_compile", no_compiling)  # as in the next run: read back only
    again = [patterns.compile_regex_module(s, flags) for s in sources]
    monkeypatch.undo()
    for compiled in (first, again):
        assert [[m.span() for m in c.finditer(text, timeout=5)] for c in compiled] == expected
        assert [c.groupindex for c in compiled] == [regex.compile(s, flags).groupindex for s in sources]
    with pytest.raises(regex.error):
        patterns.compile_regex_module("(unclosed", flags)


def test_a_damaged_regex_module_program_is_compiled_afresh(cache_dir) -> None:
    regex = pytest.importorskip("regex")
    from linter import patterns

    import marshal

    source = r"(?<!\w)colou?r(?!\w)"
    patterns.compile_regex_module(source, int(regex.V0))
    (stored,) = cache_dir.glob("re-programs-*/*.marshal")
    checksum, blob = marshal.loads(stored.read_bytes())
    arguments = marshal.loads(blob)
    # A program changed after it was written (a damaged disk, say) is never run.
    wrong = marshal.dumps((arguments[0], arguments[1], [1, 2, 3], *arguments[3:]))
    for damaged in (b"not a program", marshal.dumps((checksum, wrong))):
        stored.write_bytes(damaged)
        again = patterns.compile_regex_module(source, int(regex.V0))
        assert [m.span() for m in again.finditer("Colour, color and colors")] == [(8, 13)]


PATTERNS_OF_A_RUN = """
import hashlib, sys
from linter import patterns
seen = set()
for name in ("compile_re", "compile_regex_module"):
    original = getattr(patterns, name)
    def spy(pattern, flags=0, _original=original):
        seen.add(hashlib.sha1(pattern.encode("utf-8", "surrogatepass")).hexdigest())
        return _original(pattern, flags)
    setattr(patterns, name, spy)
from linter import Linter
Linter().check("Council backs budget\\n\\nSen. Jane Roe said Oct. 11th was 5 per cent late.\\n", "text")
print(len(seen), hashlib.sha1(" ".join(sorted(seen)).encode()).hexdigest())
"""


def test_rule_patterns_are_the_same_in_every_process(tmp_path) -> None:
    """A pattern built from a set in hash order would differ from run to run: its compiled
    program would never be found in the cache (and the cache would grow on every run)."""
    import os
    import subprocess
    import sys

    outputs = []
    for seed in ("0", "1", "2", "3"):  # the first run fills the cache (and compiles every pattern)
        env = {**os.environ, "PYTHONHASHSEED": seed, "COPYDESK_CACHE_DIR": str(tmp_path / "cache")}
        done = subprocess.run([sys.executable, "-c", PATTERNS_OF_A_RUN], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout.strip())
    assert int(outputs[1].split()[0]) > 10
    assert outputs[1] == outputs[2] == outputs[3]


def test_an_unchanged_configuration_is_read_back_without_yaml_or_jsonschema(tmp_path, cache_dir, monkeypatch) -> None:
    from linter import config, loading

    path = tmp_path / ".copydesk.yaml"
    path.write_text("style: chicago\ndisable: [starter.cliches]\n", encoding="utf-8")
    first = config.load_config(path)
    loading._validated.clear()  # as a new process would start
    loading._parsed.clear()

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed or validated again")

    monkeypatch.setattr(config, "parse_yaml", no_parsing)
    monkeypatch.setattr(config, "_validated_config", no_parsing)
    again = config.load_config(path)
    assert (again.style, again.disable) == (first.style, first.disable) == ("chicago", ("starter.cliches",))
    monkeypatch.undo()
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(cache_dir))
    path.write_text("style: chicago\ndisable: [starter.cliches]\nfail_on: sometimes\n", encoding="utf-8")
    with pytest.raises(config.ConfigError, match=r"\.copydesk\.yaml:3: key 'fail_on'"):
        config.load_config(path)  # changed: validated again, with the line of the fault


def test_the_cache_folder_follows_the_variables_that_name_it(tmp_path, monkeypatch) -> None:
    from linter import cache

    monkeypatch.delenv("COPYDESK_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "copydesk"
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(tmp_path / "moved"))
    assert cache.cache_dir() == tmp_path / "moved"
    monkeypatch.delenv("COPYDESK_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "copydesk"
    assert cache.write("probe.marshal", [1, 2]) and cache.read("probe.marshal") == [1, 2]
    assert (tmp_path / "home" / ".cache" / "copydesk" / "probe.marshal").is_file()


def test_package_versions_of_two_environments_are_both_kept(cache_dir, monkeypatch) -> None:
    import importlib.metadata
    import sys

    from linter import cache

    monkeypatch.setattr(cache, "_versions", None)
    assert cache.package_version("PyYAML") == importlib.metadata.version("PyYAML")
    other = cache_dir.parent / "other-site-packages"
    other.mkdir()
    monkeypatch.setattr(sys, "path", [*sys.path, str(other)])  # as another environment would run
    monkeypatch.setattr(cache, "_versions", None)
    assert cache.package_version("PyYAML") == importlib.metadata.version("PyYAML")
    monkeypatch.setattr(importlib.metadata, "version", lambda name: (_ for _ in ()).throw(AssertionError(name)))
    monkeypatch.setattr(sys, "path", sys.path[:-1])  # the first environment again: still known
    monkeypatch.setattr(cache, "_versions", None)
    assert cache.package_version("PyYAML") == importlib.metadata.distribution("PyYAML").version

from linter.article import Block, Piece, TextMap


def test_contiguous_map_shifts_offsets():
    tmap = TextMap.contiguous(10, 5)
    assert tmap.span(0, 5) == (10, 15)
    assert tmap.span(2, 3) == (12, 13)


def test_gap_between_pieces_is_skipped_for_start_and_kept_for_end():
    # "Hello world" taken from "<b>Hello</b> world": pieces 0-5 -> 3-8, 5-11 -> 12-18
    tmap = TextMap((Piece(0, 5, 3, 8), Piece(5, 11, 12, 18)))
    assert tmap.span(0, 5) == (3, 8)  # ends before the </b>, not after it
    assert tmap.span(5, 11) == (12, 18)
    assert tmap.span(0, 11) == (3, 18)


def test_atomic_piece_maps_as_a_whole():
    # "a&amp;b" -> "a&b": the entity is one atomic piece
    tmap = TextMap((Piece(0, 1, 0, 1), Piece(1, 2, 1, 6), Piece(2, 3, 6, 7)))
    assert tmap.span(1, 2) == (1, 6)
    assert tmap.span(0, 3) == (0, 7)
    assert tmap.span(2, 3) == (6, 7)


def test_slice_rebases_offsets():
    tmap = TextMap((Piece(0, 5, 3, 8), Piece(5, 11, 12, 18)))
    sub = tmap.slice(3, 9)
    assert sub.span(0, 6) == (6, 16)
    block = Block("paragraph", "body", "Hello world", tmap).sub("sentence", 6, 11)
    assert block.text == "world"
    assert block.source_span(0, 5) == (13, 18)

"""The Markdown reader and the segmenter on the layouts teachers' and students' notes use."""

from bot.knowledge.ingest import snippets_from_text
from bot.knowledge.readers.markdown import read_text

NOTE = """---
title: Photosynthesis and plants
tags: [biology]
---
Revision notes for 10B, learn the equations!!

## Contents
- [Photosynthesis](#photosynthesis)
- [Transport](#transport)

# Photosynthesis

![[leaf.png]]

Plants make glucose from carbon dioxide and water using light energy. It happens in the [[Chloroplast|chloroplasts]].

> [!tip] Remember
> Chlorophyll absorbs mostly <mark>red and blue</mark> light.

The word equation is:
$$6CO_2 + 6H_2O \\rightarrow C_6H_{12}O_6 + 6O_2$$

## Limiting factors

The limiting factors are:
- light intensity
- CO<sub>2</sub> concentration
- temperature
- amount of chlorophyll

## Summary

Light intensity falls with distance as 1/d\u00b2, so a lamp twice as far gives a quarter of the light.

# Transport

## Summary

Xylem carries water up from the roots in one direction only.

## Glossary

**Stomata:** pores in the leaf that let gases in and out
Transpiration - the loss of water vapour from the leaves
* Phloem
    - tissue that carries sugars both ways

| Tissue | Carries | Direction |
|---|---|---|
| Xylem | water and minerals | up only |
| Phloem | sucrose | both ways |

```
Osmosis is the movement of water
from a dilute to a concentrated solution
through a partially permeable membrane.
```

```react
<Advert subject="biology" />
```

What is translocation?
?
The movement of sucrose through the phloem.

#### Why do guard cells close at night?
To stop water loss when there is no light for photosynthesis.

See also [the BBC page](https://www.bbc.co.uk/bitesize)

#biology #plants
"""


def facts(text: str = NOTE, source: str = "photo.md") -> dict[str, str]:
    return {s.text: s.topic for s in snippets_from_text(text, source)}


def test_heading_hierarchy_gives_each_fact_its_path_and_same_named_sections_stay_apart():
    got = facts()
    assert got["Xylem carries water up from the roots in one direction only."] == "Transport › Summary"
    summary = next(t for t in got if t.startswith("Light intensity falls"))
    assert got[summary] == "Photosynthesis › Summary"
    snippets = snippets_from_text(NOTE, "photo.md")
    assert {s.title for s in snippets} == {"Photosynthesis and plants"}  # from the front matter


def test_nothing_that_is_not_a_fact_is_served():
    texts = " | ".join(facts())
    for debris in ("title:", "tags", "Contents", "#transport", "leaf.png", "Advert", "BBC", "#biology", "```", "!!"):
        assert debris not in texts, debris
    assert "Revision notes for 10B" not in texts  # the teacher's preamble
    doc = read_text(NOTE, "photo.md")
    assert doc.skipped == {
        "front matter": 1,
        "table of contents": 1,
        "embedded images and files": 1,
        "code blocks": 1,
        "link lines": 1,
        "tag lines": 1,
    }


def test_obsidian_syntax_keeps_its_text_and_meaning():
    got = facts()
    assert (
        "Plants make glucose from carbon dioxide and water using light energy. It happens in the chloroplasts." in got
    )
    assert "Chlorophyll absorbs mostly red and blue light." in got  # callout marker and <mark> gone
    assert (
        "Light intensity falls with distance as 1/d\u00b2, so a lamp twice as far gives a quarter of the light." in got
    )


def test_short_items_stay_with_their_lead_in_as_one_fact():
    got = facts()
    assert (
        "The limiting factors are: light intensity; CO\u2082 concentration; temperature; amount of chlorophyll" in got
    )
    assert got[
        "The limiting factors are: light intensity; CO\u2082 concentration; temperature; amount of chlorophyll"
    ] == ("Photosynthesis › Limiting factors")
    assert not any(t.endswith(":") for t in got)  # a lead-in is never alone


def test_latex_becomes_readable_and_keeps_its_lead_in():
    assert "The word equation is: 6CO_2 + 6H_2O → C_6H_12O_6 + 6O_2" in facts()


def test_glossary_shapes_become_term_definition_facts():
    got = facts()
    assert "Stomata: pores in the leaf that let gases in and out" in got
    assert "Transpiration: the loss of water vapour from the leaves" in got
    assert "Phloem: tissue that carries sugars both ways" in got  # a term bullet with an indented definition
    assert "Phloem" not in got  # the term alone is not a fact


def test_table_rows_carry_their_headers():
    got = facts()
    assert "Xylem - Carries: water and minerals; Direction: up only" in got
    assert got["Phloem - Carries: sucrose; Direction: both ways"] == "Transport › Glossary"


def test_notes_in_code_fences_are_read_with_broken_lines_joined():
    got = facts()
    osmosis = (
        "Osmosis is the movement of water from a dilute to a concentrated solution"
        " through a partially permeable membrane."
    )
    assert osmosis in got


def test_flashcards_and_question_headings_are_question_and_answer_facts():
    got = facts()
    assert "What is translocation? The movement of sucrose through the phloem." in got
    assert "Why do guard cells close at night? To stop water loss when there is no light for photosynthesis." in got


def test_a_single_top_heading_is_the_title_not_a_topic():
    snippets = snippets_from_text("# Waves\n\n## Sound\n\nSound is a longitudinal wave of pressure.\n", "w.md")
    assert [(s.title, s.topic) for s in snippets] == [("Waves", "Sound")]


def test_one_and_two_word_items_and_key_value_lines_are_kept_together():
    note = "## Lipase\n\n```\nBreak down: Lipids\nInto: Glycerol and fatty acids\nMade in: Pancreas\n```\n"
    assert facts(note, "d.md") == {"Break down: Lipids; Into: Glycerol and fatty acids; Made in: Pancreas": "Lipase"}


def test_a_label_with_items_under_it_is_carried_by_them():
    note = "## Causes\n\n- 1905 Tangier Crisis\n    - Germany tested the new Entente Cordiale\n    - It backfired\n"
    got = facts(note, "c.md")
    assert "1905 Tangier Crisis" not in got
    assert "1905 Tangier Crisis: Germany tested the new Entente Cordiale; It backfired" in got


def test_bold_label_lines_head_the_lines_under_them():
    note = "# Circulation\n\n## Blood vessels\n\n**Capillaries**\n\n"
    note += "- Their wall is only one cell thick for fast diffusion.\n"
    got = facts(note, "b.md")
    assert got == {"Their wall is only one cell thick for fast diffusion.": "Blood vessels › Capillaries"}


def test_a_line_in_capitals_over_plain_lines_is_their_title_and_not_joined_to_them():
    note = "# Macbeth\n\n## Duncan\n\n```\nKind and very trusting\n\nKEY QUOTES\nvaliant cousin, worthy gentleman\n\n"
    note += "CONTEXT\nModel king - fair, honest, kind\nHENCE A GOOD KING\n```\n"
    got = facts(note, "m.md")
    assert got == {
        "Kind and very trusting": "Duncan",
        "valiant cousin, worthy gentleman": "Duncan › KEY QUOTES",
        # a statement in capitals ("HENCE ...", "FROM BLUE") is not a title
        "Model king: fair, honest, kind; HENCE A GOOD KING": "Duncan › CONTEXT",
    }


def test_a_label_line_over_items_is_said_by_its_items_not_again_alone():
    note = "## Costs of inflation\n\n**Reduces real income** (purchasing power)\n"
    note += "- Buy less goods with the same amount of money\n\n"
    note += "Menu costs\n- Firms must keep changing their printed prices, which takes time and money.\n"
    got = facts(note, "i.md")
    assert got == {
        "Reduces real income (purchasing power): Buy less goods with the same amount of money": "Costs of inflation",
        "Menu costs: Firms must keep changing their printed prices, which takes time and money.": "Costs of inflation",
    }


def test_long_snippets_are_cut_at_sentences_within_the_limit():
    para = " ".join(f"Sentence number {i} says something about rivers and their load." for i in range(40))
    for s in snippets_from_text(f"## Rivers\n\n{para}\n", "r.md"):
        assert len(s.text) <= 500


def test_numbered_steps_typed_with_hard_line_breaks_stay_whole():
    note = """# Rivers
```
Interlocking Spurs
1. In the upper course there is more vertical erosion.
The river cuts downwards because of the steep gradient.
2. Where the rock is hard, the river
bends around it.
3. This creates spurs of land which link together.
```
"""
    texts = [s.text for s in snippets_from_text(note, "rivers.md")]
    assert texts == [
        "Interlocking Spurs: In the upper course there is more vertical erosion. The river cuts downwards because "
        "of the steep gradient.",
        "Interlocking Spurs: Where the rock is hard, the river bends around it.",
        "Interlocking Spurs: This creates spurs of land which link together.",
    ]


def test_a_table_with_its_row_labels_in_a_middle_column():
    note = """# Rocks
|Intrusive rock|&nbsp;|Extrusive rock|
|:-|:-|:-|
|Magma|formed from|lava|
|slowly|rate of cooling|quickly|
"""
    texts = [s.text for s in snippets_from_text(note, "rocks.md")]
    assert texts == [
        "formed from - Intrusive rock: Magma; Extrusive rock: lava",
        "rate of cooling - Intrusive rock: slowly; Extrusive rock: quickly",
    ]


def test_a_header_row_repeated_in_a_table_is_not_a_fact():
    note = "## Constants\n\n| Constant | Symbol | Value |\n| --- | --- | --- |\n"
    note += "| Planck constant | h | 6.63e-34 J s |\n"
    note += "| Constant | Symbol | Value |\n| Electron charge | e | 1.60e-19 C |\n"  # a page break's header again
    got = facts(note, "c.md")
    assert set(got) == {
        "Planck constant - Symbol: h; Value: 6.63e-34 J s",
        "Electron charge - Symbol: e; Value: 1.60e-19 C",
    }

"""Answering: typos, aliases, abstention, confidence and bad questions."""

import pytest

from bot.knowledge.aliases import AliasTable
from bot.knowledge.index import ANSWER_THRESHOLD, KIN_CREDIT, MAX_QUESTION_CHARS, SearchIndex, related
from bot.knowledge.ingest import snippets_from_text as segment
from bot.knowledge.learned import learned_aliases


def top_text(knowledge, q: str) -> str:
    answer = knowledge.index.ask(q)
    assert answer.answered, q
    return answer.hits[0].snippet.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("yalta confrence agreements", "Yalta"),
        ("kruschev army cuts", "reduced conventional forces"),
        ("finnish reperations", "$300million"),
        ("malenkov hydroelectirc plant", "hydroelectric"),
        ("potsdamm conferance truman atomic bomm", "atomic bomb"),
    ],
)
def test_typos_are_corrected_against_the_notes(knowledge, question, expected):
    answer = knowledge.index.ask(question)
    assert answer.answered
    assert any(expected in h.snippet.text or expected in h.snippet.where for h in answer.hits)


def test_alias_k_for_khrushchev_in_the_mind_map(knowledge):
    # the mind map only ever writes "K"; the alias file says K = Khrushchev
    assert "between different ideologies is not" in top_text(knowledge, "Khrushchev different ideologies")


def test_aliases_work_both_ways(knowledge):
    assert "20 million" in top_text(knowledge, "how many casualties did the USSR suffer")
    assert "20 million" in top_text(knowledge, "how many casualties did the soviet union suffer")


def test_alias_file_is_what_the_teacher_wrote(tmp_path):
    snippets = segment("Notes\n\n- Khrushchev visited the Kremlin gardens daily.\n", source="n.txt")
    without = SearchIndex(snippets, AliasTable())
    assert not without.ask("what did nikita do").answered
    aliases = AliasTable.from_groups([["Khrushchev", "Nikita"]])
    assert SearchIndex(snippets, aliases).ask("what did nikita do in the kremlin gardens").answered


@pytest.mark.parametrize(
    "question",
    [
        "who invented the telephone",
        "When was the Warsaw Pact formed?",
        "What is the Pythagorean theorem?",
        "good morning",
        "What caused the Great Depression?",
        "how do plants make food",
    ],
)
def test_questions_outside_the_notes_are_not_answered(knowledge, question):
    answer = knowledge.index.ask(question)
    assert not answer.answered
    assert answer.confidence < ANSWER_THRESHOLD


def test_an_unanswered_question_offers_real_topics(knowledge):
    answer = knowledge.index.ask("what happened at the berlin wall")
    assert not answer.answered
    assert answer.suggestions and set(answer.suggestions) <= set(knowledge.index.topics)


def test_every_answer_has_a_confidence_and_a_best_first_order(knowledge):
    answer = knowledge.index.ask("What did Stalin promise about the Pacific War?", top=3)
    assert len(answer.hits) == 3
    assert 0 < answer.confidence <= 1
    assert answer.confidence == answer.hits[0].score
    assert "three months after Germany" in answer.hits[0].snippet.text


@pytest.mark.parametrize(
    ("question", "problem"),
    [("", "empty"), ("   \n\t ", "empty"), ("🙂🙂🔥", "no-words"), ("?!...", "no-words"), ("\x00\x07\x1b", "empty")],
)
def test_unusable_questions_get_a_reason(knowledge, question, problem):
    answer = knowledge.index.ask(question)
    assert not answer.answered and answer.problem == problem


def test_a_huge_question_is_cut_with_a_notice(knowledge):
    answer = knowledge.index.ask("yalta conference " * 700)
    assert answer.notice and str(MAX_QUESTION_CHARS) in answer.notice
    assert len(answer.question) <= MAX_QUESTION_CHARS
    assert answer.answered


def test_zalgo_marks_do_not_count_toward_the_cut(knowledge):
    zalgo = "".join(c + "\u0336\u0301\u0302\u0303\u0304\u0305" * 3 for c in "what was agreed at the yalta conference")
    answer = knowledge.index.ask(zalgo)
    assert not answer.notice and answer.answered


def test_another_language_is_not_answered_with_a_random_snippet(knowledge):
    for q in ("¿Quién ganó la guerra fría?", "Кто выиграл холодную войну?", "冷战是谁赢的？"):
        assert not knowledge.index.ask(q).answered


def test_markup_and_mentions_are_just_text(knowledge):
    answer = knowledge.index.ask("@everyone <b>yalta</b> **conference** `agreements`")
    assert answer.answered and "Yalta" in answer.hits[0].snippet.where


def test_a_mention_names_who_is_asked_not_what(knowledge):
    # "everyone would be happy" is in a Yalta fact: "@everyone" must not pull it first
    plain = knowledge.index.ask("what is yalta")
    mentioned = knowledge.index.ask("@everyone what is yalta")
    assert mentioned.answered and mentioned.hits[0].snippet.id == plain.hits[0].snippet.id
    assert mentioned.question == "@everyone what is yalta"  # said back as typed (adapters keep it from pinging)


SPELLINGS = """# Chemistry and history
- Sulfur burns with a blue flame to make sulfur dioxide.
- Joseph Goebbels ran the propaganda ministry from 1933.
- The blank check: Germany promised Austria-Hungary support whatever it did.
- Plants take in water through their roots.
"""


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("what colour flame does sulphur burn with", "blue flame"),  # British and American spellings
        ("who was josef gobbels", "Goebbels"),  # a name spelt another way, and misspelt
        ("what was the blank cheque", "blank check"),
    ],
)
def test_another_spelling_of_a_word_in_the_notes_is_that_word(question, expected):
    answer = SearchIndex(segment(SPELLINGS, "notes.md")).ask(question)
    assert answer.answered
    assert expected in answer.hits[0].snippet.text


@pytest.mark.parametrize("question", ["what is the biggest planet", "what are the themes of jekyll and hyde"])
def test_an_everyday_word_is_not_respelt_as_a_word_that_sounds_alike(question):
    # "planet" sounds like "plant", "Hyde" like "hide": they are other words, not other spellings
    notes = SPELLINGS + "- Animals hide from predators.\n"
    assert not SearchIndex(segment(notes, "notes.md")).ask(question).answered


CELLS = """# Cells
## Ribosomes
- Ribosomes are small organelles made of ribosomal RNA and protein.
- Ribosomes make proteins by joining amino acids in the order the mRNA gives.
## Blood
- Platelets are fragments of cells that help the blood to clot at a wound.
- The walls of capillaries are one cell thick.
## Solar power
- A solar cell turns light into electricity.
"""


@pytest.mark.parametrize(
    "question",
    [
        "whats the job of ribosomes",  # "job": an everyday word the notes do not use
        "what job do platelets do when you get cut",
        "what colour are platelets",  # a British spelling the dictionary lacks is still an everyday word
    ],
)
def test_a_subject_term_with_everyday_words_is_answered(question):
    assert SearchIndex(segment(CELLS, "cells.md")).ask(question).answered


@pytest.mark.parametrize(
    "question",
    ["what is the largest planet in the solar system", "who won the football world cup", "how do vaccines work"],
)
def test_everyday_words_around_a_common_word_of_the_notes_are_another_subject(question):
    assert not SearchIndex(segment(CELLS, "cells.md")).ask(question).answered


def test_a_function_word_in_capitals_is_a_name():
    notes = "# Cold War\n- The US dropped two atomic bombs on Japan in 1945.\n- Britain had no bomb until 1952.\n"
    answer = SearchIndex(segment(notes, "cw.md")).ask("when did the US drop atomic bombs")
    assert answer.answered and "US" in answer.hits[0].snippet.text


DEFINITIONS = """# Networks
## Firewalls
- Hardware or software placed between a computer and an outside network to filter data in and out.
- Firewalls are installed on servers, computers or routers.
- When a firewall is software based, it is part of the operating system.
## Rivers
- Floods leave sediment on the banks of a river, which slowly get higher than the floodplain.
- These raised banks are called levees.
- Levees can be built up by people to stop floods.
## Stars
- Where: m is the apparent magnitude, with no unit.
- The absolute magnitude of a star is its apparent magnitude if it were 10 parsecs away.
- The apparent magnitude (m) of a star is how bright the star appears from Earth.
"""


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("what does a firewall do", "Hardware or software placed"),  # the section's first fact defines it
        ("what are levees", "These raised banks are called levees"),  # "... are called X" defines X (with the fact
        # its "These" points back to)
        ("what is apparent magnitude", "The apparent magnitude (m)"),  # an aside in brackets is not the term
    ],
)
def test_what_is_x_gets_the_fact_that_defines_x(question, expected):
    answer = SearchIndex(segment(DEFINITIONS, "notes.md")).ask(question)
    assert answer.answered and answer.hits[0].snippet.text.split(". ")[-1].startswith(expected)


def test_a_term_only_another_note_uses_is_not_answered_from_this_one():
    lit = segment("# Macbeth\n- Macbeth kills King Duncan to become king.\n- Lady Macbeth calls spirits.\n", "lit.md")
    computing = segment(
        "# Memory\n- Malware can write values past the end of a buffer.\n- RAM is volatile memory.\n", "cs.md"
    )
    index = SearchIndex(lit + computing)
    assert not index.ask("who wrote macbeth").answered
    assert index.ask("who did macbeth kill").answered


def test_an_everyday_word_another_note_uses_weighs_as_if_that_note_were_not_there():
    biology = segment(CELLS + "## Veins\n- Veins have valves that prevent the backflow of blood.\n", "bio.md")
    history = segment(
        "# Weimar\n- Things went wrong for Stresemann in 1929.\n- Nothing could stop the Nazis going on.\n", "hist.md"
    )
    question = "how do veins stop blood going the wrong way"
    assert SearchIndex(biology).ask(question).answered
    answer = SearchIndex(biology + history).ask(question)
    assert answer.answered and "valves" in answer.hits[0].snippet.text


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("premier", "premiership", True),
        ("democrat", "democraci", True),
        ("photon", "photosynthesi", False),  # two words that share a beginning
    ],
)
def test_close_word_forms_are_one_family_not_any_shared_beginning(a, b, same):
    assert related(a, b) is same


def test_a_word_that_only_shares_a_beginning_with_the_notes_is_not_a_form_of_it():
    notes = "# Light\n## Photons\n- A photon carries energy E = hf.\n- Light is a transverse wave.\n"
    assert not SearchIndex(segment(notes, "light.md")).ask("what is photosynthesis").answered


PROPERTIES = """# Bonding
## Simple covalent
- Simple covalent substances have low boiling points due to weak intermolecular forces.
- They do not conduct electricity as they have no free electrons or ions.
## Waves
- Gamma rays are the part of the electromagnetic spectrum with the most energy.
- A ripple tank shows how waves reflect.
"""


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("what is the boiling point of water", False),  # the note never says what water's boiling point is
        ("what is the boiling point of simple covalent substances", True),
        ("which part of the EM spectrum has the most energy", True),  # one word of the phrase is enough
        # a rare word no note uses is more likely the notes' term said another way ("nuclear weapons")
        ("how did the cost and danger of nukes change the superpowers", True),
    ],
)
def test_what_a_question_asks_about_after_of_must_be_in_the_facts_note(question, answered):
    notes = segment(PROPERTIES, "bonding.md") + segment(
        "# Rivers\n- Water flows downhill to the sea.\n- Rivers erode their beds.\n", "rivers.md"
    )
    notes += segment(
        "# Cold War\n- The cost and sheer destructive power of nuclear weapons had a sobering effect on the"
        " superpowers.\n- Khrushchev cut the army by a third.\n",
        "coldwar.md",
    )
    assert SearchIndex(notes).ask(question).answered is answered


POEMS = """# Poems
## Porphyria's Lover
- Dramatic monologue; the reader is a silent listener.
- Uses the extreme of killing to show how ridiculous Victorian social rules are.
## Follower
- The son admires his father, an expert ploughman.
- The speaker stumbles behind his father in the fields.
"""


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("Why does the speaker kill Porphyria - what point is Browning making?", True),  # the notes answer a part
        ("Why does the speaker kill Porphyria? What did Browning write next?", True),
        ("Who wrote Macbeth and when was it first performed?", False),  # each part is held to every rule
    ],
)
def test_a_message_of_two_questions_is_answered_by_the_part_the_notes_answer(question, answered):
    answer = SearchIndex(segment(POEMS, "poems.md")).ask(question)
    assert answer.answered is answered
    assert answer.question == question
    if answered:
        assert "killing" in answer.hits[0].snippet.text


def test_a_message_of_many_questions_is_searched_a_few_times_at_most():
    index = SearchIndex(segment(POEMS, "poems.md"))
    many = "? ".join(["what is a sonnet"] * 30) + "? why does the speaker kill Porphyria?"
    asked = []
    ask = index.ask
    index.ask = lambda q, top=3: (asked.append(q), ask(q, top))[1]  # count the searches
    assert not index.ask(many).answered  # the answerable part is past the first four
    assert len(asked) == 1 + 4


CONTINUED = """# Macbeth

## Key quotes
- "Unsex me here"
- Lady Macbeth rejects her femininity to gain the power of a man.
- "Is this a dagger which I see before me"
- Macbeth's guilt makes him see things.

## Witches
- The witches speak in rhyme, unlike the other characters.
"""


def test_a_fact_that_only_restates_the_question_comes_with_the_next_one():
    index = SearchIndex(segment(CONTINUED, "macbeth.md"))
    answer = index.ask("what does unsex me here mean")
    assert answer.answered
    top = answer.hits[0].snippet
    assert top.text == '"Unsex me here" — Lady Macbeth rejects her femininity to gain the power of a man.'
    # the meaning is not shown again below it
    assert all("rejects her femininity" not in h.snippet.text for h in answer.hits[1:])


POINTING_BACK = """# Computers

## Clock speed
Clock speed is the number of instructions a core can carry out each second. Sometimes a processor is overclocked so \
that it runs faster than its factory speed. This can make the processor overheat, which can crash the system. \
Cooling systems such as water cooling are then needed.

## Memory
- Cache memory is small, fast memory inside the processor.
- It holds the instructions and data the processor uses most often.

## Meetings
Every year a company holds an annual general meeting. During this time, all shareholders may attend and vote.

## Networks
Wired networks are faster than wireless ones. In fact, a cable can carry data ten times faster than radio.

## Unemployment
The unemployment rate is the share of the labour force that cannot find a job.
- (Unemployed people / Labour force) x 100
"""


def test_a_fact_that_points_back_is_shown_with_the_one_it_points_to():
    index = SearchIndex(segment(POINTING_BACK, "computers.md"))
    top = index.ask("what happens when a processor is overclocked").hits[0].snippet
    assert top.text.startswith("Sometimes a processor is overclocked")
    assert top.text.endswith("factory speed. This can make the processor overheat, which can crash the system.")
    answer = index.ask("what does cache memory hold")
    top = answer.hits[0].snippet
    assert top.text == (
        "Cache memory is small, fast memory inside the processor. "
        "It holds the instructions and data the processor uses most often."
    )
    assert all("It holds" not in h.snippet.text for h in answer.hits[1:])  # not shown twice
    top = index.ask("what happens at an annual general meeting").hits[0].snippet
    assert top.text.endswith("During this time, all shareholders may attend and vote.")
    top = index.ask("how much faster can a cable carry data than radio").hits[0].snippet
    assert top.text.startswith("Wired networks are faster")  # "In fact, ..." goes on from it
    top = index.ask("how do you calculate the unemployment rate").hits[0].snippet
    assert top.text.endswith("cannot find a job. (Unemployed people / Labour force) x 100")  # an aside in brackets
    # a fact that goes on with its own subject stands alone
    top = index.ask("what is clock speed").hits[0].snippet
    assert top.text == "Clock speed is the number of instructions a core can carry out each second."


def test_a_fact_that_says_more_than_the_question_stands_alone():
    index = SearchIndex(segment(CONTINUED, "macbeth.md"))
    top = index.ask("how do the witches speak").hits[0].snippet
    assert top.text == "The witches speak in rhyme, unlike the other characters."
    top = index.ask("what does Macbeth's guilt make him see").hits[0].snippet
    assert " — " not in top.text


def test_typo_correction_on_a_large_vocabulary_finds_what_a_whole_scan_finds():
    import random

    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    from bot.knowledge.model import Snippet
    from bot.knowledge.spelling import LETTER_FILTER_FROM

    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyzé'"
    vocab = sorted({"".join(rng.choice(letters) for _ in range(rng.randint(4, 12))) for _ in range(12_000)})
    snippets = [Snippet(f"n#{i}", " ".join(vocab[i : i + 10]), "T", "n.md", i) for i in range(0, len(vocab), 10)]
    index = SearchIndex(snippets)
    assert len(index._speller.vocab) >= LETTER_FILTER_FROM and index._speller.letter_counts is not None
    for word in rng.sample(index._speller.vocab, 300):
        typo = list(word)
        typo[rng.randrange(len(typo))] = rng.choice("xyzq")
        typo = "".join(typo) + rng.choice(["", "s", "e"])
        tol = 2 if len(typo) > 5 else 1
        whole = process.extractOne(
            typo, index._speller.vocab, scorer=Levenshtein.distance, score_cutoff=tol, processor=None
        )
        filtered = process.extractOne(
            typo,
            index._speller.within_letters(typo, tol),
            scorer=Levenshtein.distance,
            score_cutoff=tol,
            processor=None,
        )
        assert (whole and whole[0]) == (filtered and filtered[0]), typo


BONDING = """# Bonding
## Ionic
- Ionic compounds have high melting points.
- Ionic compounds conduct electricity only when they are molten or dissolved in water.
## History of bonding
- The ionic bond was described by Kossel in 1916.
- Ionic compounds were shown to conduct electricity by Arrhenius in 1884.
"""


@pytest.mark.parametrize(
    "question", ["When can ionic compounds conduct electricity?", "when do ionic compounds conduct"]
)
def test_when_can_asks_for_a_condition_not_a_date(question):
    answer = SearchIndex(segment(BONDING, "bonding.md")).ask(question)
    assert answer.answered
    assert "molten" in answer.hits[0].snippet.text


def test_when_did_still_asks_for_a_date():
    answer = SearchIndex(segment(BONDING, "bonding.md")).ask("when was the ionic bond described")
    assert answer.answered and "1916" in answer.hits[0].snippet.text


REPEATED = """# Bonding
## Simple covalent
- When simple covalent substances melt, only the weak forces between molecules are overcome.
- They have low melting points due to weak intermolecular forces.
- They do not conduct electricity.
## Flashcards
- Melting: When simple covalent substances melt, only the weak forces between molecules are overcome.
"""


def test_a_fact_repeated_in_the_notes_takes_one_place_among_the_answers():
    answer = SearchIndex(segment(REPEATED, "bonding.md")).ask("why do simple covalent substances melt easily")
    assert answer.answered
    texts = [h.snippet.text.removeprefix("Melting: ") for h in answer.hits]
    assert len(texts) == len(set(texts)), texts
    assert any("low melting points" in t for t in texts)


ACRONYM = """# Objectives
## SMART objectives
- SMART objectives keep a business focused on what matters.
- Businesses should set SMART objectives every year.
- SMART objectives are reviewed by managers.
- S: Specific, the objective says exactly what is to be achieved.
- M: Measurable, progress towards the objective can be measured.
- A: Achievable, the objective can be reached with the means at hand.
- T: Time bound, the objective has a deadline.
"""


def test_a_capital_letter_in_a_question_is_a_key_word():
    answer = SearchIndex(segment(ACRONYM, "objectives.md")).ask("What does the M in SMART objectives stand for?")
    assert answer.answered
    assert any(h.snippet.text.startswith("M: Measurable") for h in answer.hits)
    # "I" and "a" stay function words
    answer = SearchIndex(segment(ACRONYM, "objectives.md")).ask("What is A SMART objective?")
    assert answer.answered and not answer.hits[0].snippet.text.startswith("A:")


def test_a_section_and_a_note_hold_the_stems_and_groups_of_their_facts(knowledge):
    ix = knowledge.index
    facts = list(enumerate(ix.snippets))
    for topic in {s.topic for s in ix.snippets}:
        mine = [i for i, s in facts if s.topic == topic]
        assert ix._section_stems[topic] == frozenset().union(*(ix._doc_stems[i] for i in mine))
        groups = ix._section_groups[ix._section_row[topic]]
        assert groups == frozenset().union(*(ix._doc_groups[i] for i in mine))
    for source in {s.source for s in ix.snippets}:
        mine = [i for i, s in facts if s.source == source]
        assert ix._source_stems[source] == frozenset().union(*(ix._doc_stems[i] for i in mine))
    assert any(ix._section_groups[ix._section_row[t]] for t in ix.topics)  # the notes name alias groups


def test_a_number_the_question_gives_is_not_the_number_it_asks_for():
    notes = (
        "# Empires\n- In 1900 the British Empire was the most powerful empire in the world and controlled the seas.\n"
        "- At its height the British Empire controlled 1/4 of the world's land and people.\n"
        "- France and Germany also had empires in Africa and Asia.\n"
        "- Empires gave their rulers raw materials and markets.\n"
    )
    top = SearchIndex(segment(notes, "empires.md")).ask("How much of the world did the British Empire control in 1900?")
    assert "1/4" in top.hits[0].snippet.text


def test_an_acronym_asked_alone_gets_the_fact_that_defines_its_long_form():
    notes = (
        "# CPU\n## Fetch-execute cycle\n"
        "- Decode: the instruction in the MDR is decoded by the CU; the CU loads values into the MAR or the MDR.\n"
        "- Fetch: the instruction in the MAR is copied to the MDR.\n"
        "## Registers\n"
        "- Memory Data Register (MDR) - holds the data or instruction fetched from memory or waiting to be written.\n"
        "- Memory Address Register (MAR) - holds the address of the memory location to read or write.\n"
    )
    facts = segment(notes, "cpu.md")
    index = SearchIndex(facts, AliasTable.from_groups(learned_aliases(s.text for s in facts)))  # as Knowledge does
    for question in ("MDR", "what is the MDR"):
        assert index.ask(question).hits[0].snippet.text.startswith("Memory Data Register (MDR)")


def test_a_fact_about_another_term_opening_a_section_is_not_the_answer_for_its_heading():
    notes = (
        "# Alcohols\n## Uses\n- Methanol: chemical feedstock, industrial ethanol\n"
        "- Ethanol: alcoholic drinks, fuel to burn, solvent\n- Propanol: fuel to burn, solvent\n"
        "## Reactions\n- Ethanol burns in oxygen to give carbon dioxide and water.\n"
    )
    top = SearchIndex(segment(notes, "alcohols.md")).ask("What is ethanol used for?").hits[0].snippet
    assert top.text.startswith("Ethanol: alcoholic drinks")


def test_a_negative_auxiliary_is_not_a_key_word():
    notes = (
        "# Weimar Germany\n## Hyperinflation\n- December 1922: Germany couldn't pay the reparations it owed.\n"
        "- January 1923: French troops entered the Ruhr and seized its coal and machinery.\n"
        "- Workers in the Ruhr went on strike and the government printed money.\n"
        "- Prices rose so fast that a loaf of bread cost billions of marks by November 1923.\n"
    )
    top = SearchIndex(segment(notes, "weimar.md")).ask("What did the French do when Germany couldn't pay in 1923?")
    assert top.hits[0].snippet.text.startswith("January 1923: French troops")


def test_a_label_leading_several_facts_of_a_section_is_not_a_definition():
    notes = (
        "# Rivers\n## Depositional landforms\n"
        "- Levees: Levees form where the river floods and spreads its sediment.\n"
        "- Levees: The largest material is dropped first, at the side of the channel, so levees grow there.\n"
        "- Levees: People build levees up higher to stop floods.\n"
        "- Levees: After many floods, the larger sediment builds up to increase the height of the river banks, so "
        "the channel can carry more water. These raised banks are called levees.\n"
        "- Oxbow lakes: A meander is cut off when the river breaks through its neck in a flood.\n"
    )
    top = SearchIndex(segment(notes, "rivers.md")).ask("What are levees?").hits[0].snippet
    assert top.text.endswith("These raised banks are called levees.")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Do the owners of a partnership have limited liability?", "unlimited liability"),
        ("When is demand elastic?", "inelastic"),  # the notes only ever say "inelastic"
    ],
)
def test_a_word_negated_in_the_notes_is_that_word_too(question, expected):
    notes = (
        "# Business ownership\n## Partnership\n- Partners share the workload and bring in more capital.\n"
        "- The partners have unlimited liability for the debts of the firm.\n"
        "## Private limited company\n- Owners of a limited company have limited liability and cannot lose more "
        "than they invested.\n- A private limited company costs little to register.\n"
        "# Markets\n## Demand\n- Demand for a good with few substitutes is usually inelastic.\n"
        "- Demand for a good with many substitutes falls when its price rises.\n"
    )
    answer = SearchIndex(segment(notes, "notes.md")).ask(question)
    assert answer.answered and expected in answer.hits[0].snippet.text


def test_a_heading_word_weighs_as_the_facts_that_say_it():
    # "Macbeth" heads the note, so every fact holds it; counted over all facts it would weigh next to nothing,
    # and "presented" (in two facts) would outweigh "Duncan" and "Macbeth" together
    notes = (
        "# Macbeth\n## Duncan\n- Kind and very trusting.\n- A model king: fair and honest.\n"
        "- Murdered by Macbeth in his sleep.\n"
        "## Banquo\n- A foil to Macbeth; presented in a good light.\n- Murdered on Macbeth's orders.\n"
        "## Lady Macbeth\n- Manipulates her husband.\n- Presented as ruthless, then guilty.\n"
        "## Macduff\n- Flees to England.\n- Kills Macbeth.\n- A loyal thane who stands for Scotland.\n"
    )
    answer = SearchIndex(segment(notes, "macbeth.md")).ask("how is duncan presented in macbeth")
    assert answer.answered and all(h.snippet.where == "Macbeth › Duncan" for h in answer.hits)


@pytest.mark.parametrize("question", ["whats the job of ribosomes", "What is the function of ribosomes?"])
def test_a_question_about_what_something_is_for_gets_the_fact_that_says_its_purpose(question):
    notes = (
        "# Cells\n## Ribosomes\n- Small and spherical, about 20nm across, made of ribosomal RNA.\n"
        "- Ribosomes on the rough ER are mainly for making proteins that leave the cell.\n"
        "- Ribosomes are made in the nucleolus from two subunits.\n"
        "## Jobs of the nucleus\n- The nucleus holds the DNA.\n"
    )
    answer = SearchIndex(segment(notes, "cells.md")).ask(question)
    assert answer.answered and answer.hits[0].snippet.text.startswith("Ribosomes on the rough ER are mainly for")


@pytest.mark.parametrize("question", ["descirbe osmosis", "explian osmosis", "plz explane osmosis", "waht is osmosis"])
def test_a_misspelt_filler_word_is_filler(question):
    notes = (
        "# Cells\n## Osmosis\n- Osmosis is the movement of water across a partially permeable membrane.\n"
        "- Diffusion is the spreading of particles.\n"
    )
    index = SearchIndex(segment(notes, "cells.md"))
    assert [t.word for t in index._terms(question)] == ["osmosis"]
    assert index.ask(question).answered


def test_a_test_for_something_is_answered_by_what_is_seen():
    notes = (
        "# Organic chemistry\n## Alkanes\n- Saturated hydrocarbons with single bonds only.\n"
        "- No change to bromine water.\n"
        "## Alkenes\n- Alkenes: unsaturated hydrocarbons with a C=C double bond.\n"
        "- Turn bromine water colourless.\n- Can be combined to make polymers.\n"
        "- Alkene + Steam → Alcohol (hydration), with a phosphoric acid catalyst.\n"
    )
    answer = SearchIndex(segment(notes, "organic.md")).ask("How can you test for an alkene?")
    assert answer.answered and answer.hits[0].snippet.text == "Turn bromine water colourless."


def test_the_formula_for_something_is_a_fact_with_a_formula():
    notes = (
        "# Science\n## Waves\n- Wave speed: v = f λ\n- Sound waves need a medium to travel through.\n"
        "## Computers\n- Clock speed is the number of instructions a processor carries out each second.\n"
        "## Plants\n- Chloroplasts are the site of photosynthesis.\n"
        "## Chemistry\n- The formula of a compound gives the atoms in it.\n"
    )
    index = SearchIndex(segment(notes, "science.md"))
    assert index.ask("What is the formula for wave speed?").hits[0].snippet.text == "Wave speed: v = f λ"
    # the notes hold no formula for photosynthesis: a fact that only names it is not one
    assert not index.ask("What is the formula for photosynthesis?").answered


def test_a_fact_about_what_the_question_names_comes_before_passing_mentions():
    notes = (
        "# Arms race\n"
        "- Kaiser sees the ship and wants it. They began competing who can make the most Dreadnoughts.\n"
        "- In 1906, Britain develops the HMS Dreadnought and destroys its own navy.\n"
        "- Dreadnought was a class of ships that is faster, better armed and can travel further, runs on steam power."
        " It made all the other ships obsolete.\n"
    )
    answer = SearchIndex(segment(notes, "history.md")).ask("Why was the Dreadnought such a big deal?")
    assert answer.hits[0].snippet.text.startswith("Dreadnought was a class")  # (refused: these notes lack "deal")


def test_how_fast_asks_for_a_speed():
    notes = (
        "# Sound\n"
        "- Sound: A longitudinal wave made by vibrations. Cannot travel in space.\n"
        "- Speed of Sound: 340 m/s in air. Speed = distance / time.\n"
        "- Pitch: How high or low a sound is; depends on how fast it vibrates (frequency).\n"
    )
    index = SearchIndex(segment(notes, "physics.md"))
    answer = index.ask("How fast does sound travel in air?")
    assert answer.answered and answer.hits[0].snippet.text.startswith("Speed of Sound")
    # "speed" in the fact itself counts for "fast" more than "fast" elsewhere in its section (the "Pitch" fact)
    fast = next(t for t in index._terms("How fast does sound travel in air?") if t.word == "fast")
    speed = next(i for i, s in enumerate(index.snippets) if s.text.startswith("Speed of Sound"))
    assert index._coverage(speed, [fast]) == pytest.approx(KIN_CREDIT * fast.weight)


def test_a_quote_asked_for_is_a_fact_that_quotes():
    notes = (
        "# Peaceful coexistence\n"
        "- K adopted the new course under the name of 'Peaceful Coexistence'.\n"
        "- Malenkov called for a 'new course', which focused on peaceful coexistence with the West.\n"
        "- As K said 'There are only two ways - either peaceful coexistence or the most destructive war'.\n"
    )
    answer = SearchIndex(segment(notes, "cold-war.md")).ask("peaceful coexistence quote")
    assert answer.answered and answer.hits[0].snippet.text.startswith("As K said")


def test_utf16_halves_in_a_question_are_paired_or_replaced_not_a_crash():
    """A JSON client or a reader may hand over an emoji as its two UTF-16 halves, or one half alone: paired up,
    a lone half becomes U+FFFD, and the question is answered (the sentence model hashes it as UTF-8)."""
    from bot.text import clean

    assert clean("fun \ud83d\ude00 and \ud83d alone") == "fun \U0001f600 and \ufffd alone"
    index = SearchIndex(segment("# Rivers\n- Levees are raised banks along a river.\n", "rivers.md"))
    assert index.ask("what are levees \ud83d").answered


def test_a_label_over_a_definition_does_not_hide_the_term_it_defines():
    notes = (
        "# Cold War\n## Peaceful Coexistence\n"
        "- Shortly after Stalin's death, Beria proposed a reunified, neutral Germany.\n"
        "- Summary: Peaceful Coexistence was a Soviet doctrine that argued peaceful relations with the West were "
        "possible.\n"
        "- K adopted the new course under the name of Peaceful Coexistence.\n"
    )
    answer = SearchIndex(segment(notes, "cold-war.md")).ask("what is peaceful coexistence")
    assert answer.answered and answer.hits[0].snippet.text.startswith("Summary: Peaceful Coexistence was")

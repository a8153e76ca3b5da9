"""A profile is worked out once, on first use, and then reads every document (steplint/profile.py
`_compiled`): what that form keeps must never leak from one document, variant or profile into
another. The options below are the ones the shipped profiles and tests/test_profiles.py exercise
least."""

from __future__ import annotations

import gc
import textwrap
import weakref

from steplint.frameworks.base import Source
from steplint.model import Duration
from steplint.profile import ProfileDialect, load_profile
from steplint.units import Unit

from .test_profiles import ACME


def _dialect(rest: str) -> ProfileDialect:
    return ProfileDialect(load_profile(ACME + textwrap.dedent(rest)))


def test_reading_with_a_profile_leaves_it_equal_to_a_copy_never_read_with():
    text = ACME + "fields:\n  - {key: trainer.ckpt, field: checkpoint, unit: step}\n"
    used, unused = load_profile(text), load_profile(text)
    ProfileDialect(used).adapt({"trainer": {"passes": 1, "ckpt": 5}}, Source())
    assert used == unused


def test_a_profile_no_longer_used_is_freed_with_what_was_worked_out_for_it():
    dialect = _dialect("fields:\n  - {key: trainer.ckpt, field: checkpoint, unit: step}\n")
    assert dialect.adapt({"trainer": {"passes": 1, "ckpt": 5}}, Source()).run.checkpoint.value == 5
    freed = weakref.ref(dialect.profile)
    del dialect
    gc.collect()
    assert freed() is None


def test_each_variant_keeps_its_own_semantics_whichever_document_came_first():
    dialect = _dialect("""\
        fields:
          - {key: trainer.ckpt, field: checkpoint, unit: step}
        semantics: {accumulation_rounding: ceil, eval_delay: 500 steps}
        variants:
          - name: legacy
            when: [{present: [trainer.legacy]}]
            semantics: {accumulation_rounding: floor, eval_delay: null}
            only: []
        """)
    plain, legacy = {"trainer": {"passes": 1, "ckpt": 5}}, {"trainer": {"passes": 1, "ckpt": 5, "legacy": True}}
    for document in (plain, legacy, plain, legacy):
        adapted = dialect.adapt(document, Source())
        if document is legacy:
            assert (adapted.semantics.accumulation_rounding.value, adapted.semantics.eval_delay) == ("floor", None)
            assert adapted.run.checkpoint is None  # `only: []` reads nothing
        else:
            assert adapted.semantics.accumulation_rounding.value == "ceil"
            assert adapted.semantics.eval_delay == Duration(value=500, unit=Unit.STEP)
            assert adapted.run.checkpoint.value == 5


def test_a_knob_read_from_a_key_is_read_from_each_document():
    dialect = _dialect("""\
        fields:
          - {key: trainer.ckpt, field: checkpoint, unit: step}
        semantics:
          batch_limit_fraction: {key: [trainer.fraction, trainer.share]}
        """)
    def fraction(trainer: dict):
        return dialect.adapt({"trainer": {"passes": 1, **trainer}}, Source()).semantics.batch_limit_fraction
    assert fraction({"fraction": 0.25}) == 0.25
    assert fraction({}) is None
    assert fraction({"fraction": 1.5, "share": "0.5"}) == 0.5  # above 1: not a fraction, the next key is read
    assert fraction({"fraction": 0}) is None


def test_a_field_one_entry_fills_through_its_unit_is_not_read_again_by_a_later_entry():
    dialect = _dialect("""\
        fields:
          - key: trainer.length
            field: max_steps
            unit: step
            suffixes: {ep: epoch, ba: step}
            field_by_unit: {epoch: epochs}
          - {key: trainer.passes, field: epochs}
        """)
    by_epochs = dialect.adapt({"trainer": {"passes": 3, "length": "2ep"}}, Source()).run
    assert (by_epochs.epochs.value, by_epochs.epochs.key, by_epochs.max_steps) == (2, "trainer.length", None)
    by_steps = dialect.adapt({"trainer": {"passes": 3, "length": "100ba"}}, Source()).run
    assert (by_steps.max_steps.value, by_steps.epochs.value, by_steps.epochs.key) == (100, 3, "trainer.passes")


def test_a_truncated_number_notes_the_cast_and_text_is_not_read():
    dialect = _dialect("""\
        fields:
          - {key: trainer.ckpt, field: checkpoint, unit: step, truncate: true}
        """)
    def read(value):
        adapted = dialect.adapt({"trainer": {"passes": 1, "ckpt": value}}, Source())
        checkpoint = adapted.run.checkpoint
        return (checkpoint.value, checkpoint.note) if checkpoint else [p.code for p in adapted.problems]
    assert read(10.5) == (10, "int(10.5) = 10")
    assert read(10) == (10, None)
    assert read("auto") == []


def test_a_pattern_with_no_wildcard_is_one_key():
    dialect = _dialect("""\
        fields:
          - key: trainer.ckpt
            field: checkpoint
            unit: step
            when: [{pattern: trainer.save}]
        """)
    assert dialect.adapt({"trainer": {"passes": 1, "ckpt": 5, "save": None}}, Source()).run.checkpoint.value == 5
    assert dialect.adapt({"trainer": {"passes": 1, "ckpt": 5}}, Source()).run.checkpoint is None


def test_dashes_match_underscores_through_a_list():
    dialect = _dialect("""\
        dashes_match_underscores: true
        fields:
          - {key: "call_backs[1].save_every", field: checkpoint, unit: step}
        """)
    document = {"trainer": {"passes": 1}, "call-backs": [{}, {"save-every": 7}]}
    checkpoint = dialect.adapt(document, Source()).run.checkpoint
    assert (checkpoint.value, checkpoint.key) == (7, "call-backs[1].save-every")
    assert dialect.adapt({"trainer": {"passes": 1}, "call_backs": [{"save_every": 7}]}, Source()).run.checkpoint is None

"""The triage engine: every level rule and threshold. Table-driven over findings and values."""

from __future__ import annotations

import pytest

from clinicbot.triage.engine import assess
from clinicbot.triage.rules import load_rules
from clinicbot.vocabulary import vocabulary

P, A = "present", "absent"


@pytest.mark.parametrize("flag", [f for f in vocabulary().red_flags if f not in ("leg_symptoms", "age_first_episode")])
def test_each_red_flag_sets_its_level(flag):
    r = assess({flag: P})
    assert r.level == vocabulary().findings[flag].level
    assert flag in r.red_flags


@pytest.mark.parametrize("status", ["absent", "hypothetical", "historical", "family"])
@pytest.mark.parametrize("flag", ["saddle_numbness", "bladder_bowel_dysfunction", "bilateral_leg_weakness"])
def test_only_present_red_flags_escalate(flag, status):
    assert assess({flag: status}).level == "self_care"


@pytest.mark.parametrize("feature", ["leg_radiation", "leg_tingling", "leg_numbness"])
def test_leg_features_derive_leg_symptoms(feature):
    r = assess({feature: P})
    assert r.level == "urgent" and "leg_symptoms" in r.red_flags
    assert r.cause_ids[0] == "disc_herniation"


def test_emergency_beats_urgent_and_cauda_equina_leads():
    r = assess({"fever": P, "bladder_bowel_dysfunction": P})
    assert r.level == "emergency"
    assert r.cause_ids[:2] == ["cauda_equina_syndrome", "spinal_infection"]


T = load_rules().thresholds


@pytest.mark.parametrize(
    "age,previous,level",
    [
        (T.young_age.value - 1, A, "urgent"),
        (T.young_age.value, A, "self_care"),
        (T.older_age.value, A, "self_care"),
        (T.older_age.value + 1, A, "urgent"),
        (T.older_age.value + 1, P, "self_care"),
        (T.older_age.value + 1, None, "urgent"),  # unknown counts as a first episode
        (30, None, "self_care"),
    ],
)
def test_age_first_episode(age, previous, level):
    findings = {"previous_gym_back_pain": previous} if previous else {}
    r = assess(findings, {"age": age})
    flagged = level == "urgent"
    assert ("age_first_episode" in r.red_flags) == flagged
    assert (r.level == "urgent") == flagged


@pytest.mark.parametrize(
    "days,findings,level",
    [
        (T.long_duration_days.value, {"pain_bilateral": P}, "soon"),  # > strain recovery, not improving
        (T.long_duration_days.value + 1, {"pain_bilateral": P, "improving": P}, "soon"),
        (T.long_duration_days.value, {"pain_bilateral": P, "improving": P}, "self_care"),
        (T.strain_recovery_days.value, {"pain_bilateral": P}, "self_care"),
        (T.strain_recovery_days.value + 1, {"pain_bilateral": P}, "soon"),
        (T.strain_recovery_days.value + 1, {"pain_bilateral": P, "improving": P}, "self_care"),
    ],
)
def test_duration_thresholds(days, findings, level):
    assert assess(findings, {"duration_days": days}).level == level


@pytest.mark.parametrize(
    "findings,values,cause",
    [
        ({"pain_bilateral": P, "morning_stiffness": P}, {}, "muscle_strain"),
        ({"pain_unilateral": P, "worse_extension": P, "better_flexion": P}, {"age": 17}, "spondylolysis"),
        ({"sacroiliac_pain": P, "worse_single_leg_loading": P}, {}, "si_joint_dysfunction"),
        ({"worse_extension": P, "worse_rotation": P}, {"age": 52}, "facet_joint_irritation"),
        ({"worse_sitting": P, "worse_cough_sneeze": P, "worse_flexion": P}, {}, "disc_herniation"),
    ],
)
def test_cause_ranking_and_soon_causes(findings, values, cause):
    r = assess(findings, values)
    assert r.cause_ids[0] == cause
    top = r.likely_causes[0]
    assert top.supporting, "the top cause names its evidence"


def test_soon_for_spondylolysis_pattern():
    r = assess(
        {"pain_unilateral": P, "worse_extension": P, "recurs_each_session": P, "previous_gym_back_pain": P}, {"age": 19}
    )
    assert r.level == "soon" and r.cause_ids[0] == "spondylolysis"


def test_unanswered_screening_in_order_of_danger():
    r = assess({"bladder_bowel_dysfunction": A, "leg_radiation": A})
    assert r.unanswered_screening == ["saddle_numbness", "bilateral_leg_weakness", "fever"]


def test_result_carries_rules_version_and_explanation():
    r = assess({"leg_radiation": P}, {"age": 30})
    assert r.rules_version == load_rules().version
    assert any("leg" in s for s in r.explanation)

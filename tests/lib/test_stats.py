"""The statistics in trygg.lib.stats against reference implementations and published values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats import rates as sm_rates
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from trygg.lib.stats import (
    WDQInterpretation,
    benjamini_hochberg,
    benjamini_hochberg_adjusted,
    poisson_exact_test,
    poisson_exact_tests,
    poisson_upper_tail,
    poisson_upper_tails,
    rate_ratio_before_after,
    weighted_displacement_difference,
    weighted_displacement_quotient,
)


def sm_poisson_2indep(*args, **kwargs):
    """statsmodels' test, quiet about the ratio it divides by zero on its way to the p-value."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return sm_rates.test_poisson_2indep(*args, **kwargs)


counts = st.integers(min_value=0, max_value=400)
exposures = st.floats(min_value=0.05, max_value=500, allow_nan=False, allow_infinity=False)
alternatives = st.sampled_from(["two-sided", "larger", "smaller"])


# --- the conditional exact test ----------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(counts, exposures, counts, exposures, alternatives)
def test_p_value_equals_statsmodels_exact_cond(count1, exposure1, count2, exposure2, alternative):
    if count1 + count2 == 0:
        return  # statsmodels cannot test 0 against 0; covered below
    ours = poisson_exact_test(count1, exposure1, count2, exposure2, alternative=alternative)
    reference = sm_poisson_2indep(
        count1, exposure1, count2, exposure2, method="exact-cond", alternative=alternative
    )
    assert ours.p_value == pytest.approx(reference.pvalue, abs=1e-10)
    if count2 > 0:
        assert ours.rate_ratio == pytest.approx(reference.ratio, rel=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(counts, exposures, counts, exposures), min_size=1, max_size=30))
def test_vectorised_tests_equal_one_at_a_time(rows):
    c1, e1, c2, e2 = (np.array(column) for column in zip(*rows, strict=True))
    many = poisson_exact_tests(c1, e1, c2, e2)
    for i, row in enumerate(rows):
        one = poisson_exact_test(*row)
        assert many.p_value[i] == one.p_value
        assert (one.ci_low is None and np.isnan(many.ci_low[i])) or many.ci_low[i] == one.ci_low


def test_interval_and_p_value_equal_r_poisson_test_example():
    # R, ?poisson.test: cancer in Fredericia against the three other cities (Andersen 1977).
    # poisson.test(c(11, 6+8+7), c(800, 1083+1050+878)): p-value = 0.07967,
    # 95 percent confidence interval 0.8584264 4.2772659, rate ratio 1.971488.
    result = poisson_exact_test(11, 800, 6 + 8 + 7, 1083 + 1050 + 878)
    assert result.p_value == pytest.approx(0.07967, abs=5e-6)
    assert result.ci_low == pytest.approx(0.8584264, abs=5e-8)
    assert result.ci_high == pytest.approx(4.2772659, abs=5e-8)
    assert result.rate_ratio == pytest.approx(1.971488, abs=5e-7)
    assert result.change_percent == pytest.approx(97.1488, abs=5e-5)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 300), exposures, st.integers(1, 300), exposures)
def test_interval_is_clopper_pearson_of_the_binomial_split(count1, exposure1, count2, exposure2):
    result = poisson_exact_test(count1, exposure1, count2, exposure2)
    low, high = proportion_confint(count1, count1 + count2, alpha=0.05, method="beta")
    scale = exposure2 / exposure1
    assert result.ci_low == pytest.approx(low / (1 - low) * scale, rel=1e-9)
    if high < 1:
        assert result.ci_high == pytest.approx(high / (1 - high) * scale, rel=1e-9)
    assert result.ci_low <= result.rate_ratio <= result.ci_high


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 200), st.integers(1, 200), exposures, exposures)
def test_interval_ends_are_where_statsmodels_one_sided_tests_give_alpha_half(
    count1, count2, exposure1, exposure2
):
    # An exact interval is the set of ratios that the exact test does not reject; at its ends
    # statsmodels' one-sided exact-cond p-value is α/2 (continuous in the ratio tested).
    result = poisson_exact_test(count1, exposure1, count2, exposure2)
    at_low = sm_poisson_2indep(
        count1,
        exposure1,
        count2,
        exposure2,
        value=result.ci_low,
        method="exact-cond",
        alternative="larger",
    )
    at_high = sm_poisson_2indep(
        count1,
        exposure1,
        count2,
        exposure2,
        value=result.ci_high,
        method="exact-cond",
        alternative="smaller",
    )
    assert at_low.pvalue == pytest.approx(0.025, abs=1e-7)
    assert at_high.pvalue == pytest.approx(0.025, abs=1e-7)


def test_zero_against_zero_has_no_change_and_p_one():
    result = poisson_exact_test(0, 7, 0, 7)
    assert result.p_value == 1.0
    assert result.rate_ratio is None
    assert result.change_percent is None
    assert result.ci_low is None and result.ci_high is None


def test_counts_over_zero_reference_have_an_unbounded_ratio():
    result = poisson_exact_test(9, 1, 0, 1)
    assert result.rate_ratio is None and result.change_percent is None
    assert result.ci_high is None
    assert result.ci_low > 0
    assert result.p_value == pytest.approx(2 * 0.5**9)


def test_drop_to_zero_is_minus_hundred_percent():
    result = poisson_exact_test(0, 1, 12, 1)
    assert result.rate_ratio == 0.0
    assert result.change_percent == -100.0
    assert result.ci_low == 0.0


def test_direction_is_current_over_reference():
    result = poisson_exact_test(30, 1, 15, 1, alternative="larger")
    assert result.rate_ratio == 2.0
    assert result.change_percent == 100.0
    assert result.p_value < 0.05
    assert poisson_exact_test(30, 1, 15, 1, alternative="smaller").p_value > 0.99


def test_exposures_scale_the_ratio():
    # 20 in two weeks against 20 in four weeks: the rate doubled.
    assert poisson_exact_test(20, 2, 20, 4).rate_ratio == pytest.approx(2.0)


@pytest.mark.parametrize(
    "arguments",
    [(-1, 1, 2, 1), (1.5, 1, 2, 1), (1, 0, 2, 1), (1, 1, 2, -3), (1, math.nan, 2, 1)],
)
def test_bad_input_is_refused(arguments):
    with pytest.raises(ValueError):
        poisson_exact_test(*arguments)


def test_unknown_alternative_is_refused():
    with pytest.raises(ValueError, match="alternative"):
        poisson_exact_test(1, 1, 1, 1, alternative="greater")


# --- a count against a Poisson baseline ---------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 200), st.floats(0.01, 150, allow_nan=False))
def test_upper_tail_is_one_minus_the_cdf_below(observed, expected):
    direct = 1 - sum(sps.poisson.pmf(k, expected) for k in range(observed))
    assert poisson_upper_tail(observed, expected) == pytest.approx(direct, abs=1e-9)


def test_upper_tail_examples():
    assert poisson_upper_tail(0, 3.0) == 1.0
    assert poisson_upper_tail(1, 2.0) == pytest.approx(1 - math.exp(-2))
    # A week with 12 against an 8-week mean of 4: improbable under the baseline.
    assert poisson_upper_tail(12, 4.0) < 0.001
    assert poisson_upper_tail(3, 0.0) == 0.0
    assert poisson_upper_tail(0, 0.0) == 1.0


def test_upper_tails_vectorised():
    observed = np.array([0, 4, 12, 3])
    expected = np.array([2.0, 4.0, 4.0, 0.0])
    tails = poisson_upper_tails(observed, expected)
    assert tails.shape == (4,)
    assert tails.tolist() == [
        poisson_upper_tail(o, e) for o, e in zip(observed, expected, strict=True)
    ]


# --- Benjamini–Hochberg ------------------------------------------------------------------------

p_lists = st.lists(
    st.one_of(
        st.floats(0, 1, allow_nan=False),
        st.sampled_from([0.0, 0.001, 0.01, 0.0125, 0.025, 0.05, 0.5, 1.0]),  # ties, thresholds
    ),
    min_size=1,
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(p_lists, st.sampled_from([0.01, 0.05, 0.1, 0.2]))
def test_bh_equals_statsmodels_multipletests(p_values, q):
    p = np.array(p_values)
    reference_reject, reference_adjusted, _, _ = multipletests(p, alpha=q, method="fdr_bh")
    assert np.array_equal(benjamini_hochberg(p, q), reference_reject)
    assert np.allclose(benjamini_hochberg_adjusted(p), reference_adjusted, rtol=0, atol=1e-15)
    assert np.array_equal(benjamini_hochberg_adjusted(p) <= q, reference_reject)


def test_bh_rejects_a_step_up_set():
    # m = 5, q = 0.05: thresholds 0.01, 0.02, 0.03, 0.04, 0.05. p(4) = 0.035 ≤ 0.04, so the
    # four smallest are rejected even though p(3) = 0.031 > 0.03 (step-up, not step-down).
    p = np.array([0.2, 0.001, 0.031, 0.035, 0.011])
    assert benjamini_hochberg(p).tolist() == [False, True, True, True, True]


def test_bh_of_nothing_is_nothing():
    assert benjamini_hochberg(np.array([])).shape == (0,)
    assert benjamini_hochberg_adjusted(np.array([])).shape == (0,)


def test_bh_refuses_p_values_outside_zero_one():
    with pytest.raises(ValueError):
        benjamini_hochberg(np.array([0.5, 1.2]))
    with pytest.raises(ValueError):
        benjamini_hochberg(np.array([0.5, np.nan]))


def test_bh_keeps_false_discoveries_rare_under_the_null():
    rng = np.random.default_rng(20231)
    false_alarms = sum(benjamini_hochberg(rng.uniform(size=2000)).any() for _ in range(200))
    # Under the global null the FDR equals the family-wise error rate: at most q = 5 %.
    assert false_alarms <= 20


# --- before/after rate ratio -------------------------------------------------------------------


def test_before_after_without_comparison_is_the_exact_test_of_after_over_before():
    result = rate_ratio_before_after(100, 70)
    reference = sm_poisson_2indep(70, 1, 100, 1, method="exact-cond")
    assert result.rate_ratio == pytest.approx(0.7)
    assert result.effect_percent == pytest.approx(-30.0)
    assert result.p_value == pytest.approx(reference.pvalue, abs=1e-12)
    low, high = proportion_confint(70, 170, alpha=0.05, method="beta")
    assert result.ci_low == pytest.approx(low / (1 - low), rel=1e-9)
    assert result.ci_high == pytest.approx(high / (1 - high), rel=1e-9)
    assert result.effect_ci_low == pytest.approx((result.ci_low - 1) * 100)
    assert result.effect_ci_high == pytest.approx((result.ci_high - 1) * 100)


def test_before_after_uses_window_lengths():
    # 60 in a 12-week window before, 30 in a 4-week window after: the weekly rate rose by half.
    result = rate_ratio_before_after(60, 30, exposure_before=12, exposure_after=4)
    assert result.rate_ratio == pytest.approx(1.5)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 150), st.integers(0, 150), st.integers(0, 150), st.integers(0, 150))
def test_comparison_interval_inverts_the_noncentral_hypergeometric(t0, t1, c0, c1):
    result = rate_ratio_before_after(t0, t1, c0, c1)
    after, treated, total = t1 + c1, t1 + t0, t0 + t1 + c0 + c1
    if not (after and treated and total - after and total - treated):
        assert result.ci_low is None and result.ci_high is None
        return
    # Conditional on the margins, T1 ~ Fisher's noncentral hypergeometric with parameter ψ.
    if result.ci_low and result.ci_low > 0:
        tail = sps.nchypergeom_fisher.sf(t1 - 1, total, after, treated, result.ci_low)
        assert tail == pytest.approx(0.025, abs=1e-6)
    if result.ci_high is not None:
        tail = sps.nchypergeom_fisher.cdf(t1, total, after, treated, result.ci_high)
        assert tail == pytest.approx(0.025, abs=1e-6)
    assert result.p_value == pytest.approx(sps.fisher_exact([[t1, t0], [c1, c0]]).pvalue)


def test_comparison_ratio_of_ratios():
    # The treated area fell from 120 to 80 while the comparison rose from 100 to 110:
    # (80 / 120) / (110 / 100) = 0.606.
    result = rate_ratio_before_after(120, 80, 100, 110)
    assert result.rate_ratio == pytest.approx((80 / 120) / (110 / 100))
    assert result.ci_low < result.rate_ratio < result.ci_high < 1
    assert result.p_value < 0.05
    assert result.comparison_before == 100 and result.comparison_after == 110


def test_comparison_needs_both_counts():
    with pytest.raises(ValueError):
        rate_ratio_before_after(10, 5, 10)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_thirty_percent_drop_is_recovered_within_its_interval(seed):
    # Weekly series: 26 weeks before and after; the treated area's rate drops by 30 % when the
    # measure starts, the comparison area's does not.
    rng = np.random.default_rng(seed)
    t_before = int(rng.poisson(12, 26).sum())
    t_after = int(rng.poisson(12 * 0.7, 26).sum())
    c_before = int(rng.poisson(15, 26).sum())
    c_after = int(rng.poisson(15, 26).sum())
    alone = rate_ratio_before_after(t_before, t_after)
    net = rate_ratio_before_after(t_before, t_after, c_before, c_after)
    for result in (alone, net):
        assert result.ci_low <= 0.7 <= result.ci_high
        assert result.ci_high < 1  # the drop is found, not only contained
        assert result.effect_ci_low <= -30 <= result.effect_ci_high


def test_intervals_cover_the_true_ratio_at_least_nominally():
    rng = np.random.default_rng(7)
    covered_alone = covered_net = 0
    runs = 400
    for _ in range(runs):
        t0, t1 = rng.poisson(40), rng.poisson(28)
        c0, c1 = rng.poisson(50), rng.poisson(50)
        alone = rate_ratio_before_after(int(t0), int(t1))
        net = rate_ratio_before_after(int(t0), int(t1), int(c0), int(c1))
        covered_alone += alone.ci_low <= 0.7 <= alone.ci_high
        covered_net += net.ci_low <= 0.7 <= net.ci_high
    # Exact intervals are conservative: coverage at least 95 % up to simulation noise.
    assert covered_alone / runs >= 0.93
    assert covered_net / runs >= 0.93


# --- WDD ---------------------------------------------------------------------------------------


def test_wdd_equals_wheeler_ratcliffe_worked_example():
    # Wheeler & Ratcliffe (2018), as reproduced by ptools' tests ("Est & Variance Paper"):
    # treated 207 → 110, control 308 → 318, displacement 178 → 157, its control 150 → 140:
    # WDD = −118, variance 1568, z = −2.98, 95 % interval −196 … −40.
    result = weighted_displacement_difference(207, 110, 308, 318, 178, 157, 150, 140)
    assert result.wdd == -118
    assert result.variance == 1568
    assert result.se == pytest.approx(math.sqrt(1568))
    assert round(result.z, 2) == -2.98
    assert round(result.ci_low) == -196
    assert round(result.ci_high) == -40
    assert result.local == (110 - 207) - (318 - 308)
    assert result.displacement == (157 - 178) - (140 - 150)
    assert result.p_value == pytest.approx(2 * sps.norm.cdf(-118 / math.sqrt(1568)))


def test_wdd_local_only_as_in_the_papers_spreadsheet_with_zeros():
    # ptools' "Local -10": control 20 → 20, treated 20 → 10. Blog example (2021): treated
    # 80 → 20, control 100 → 50 gives −10 with variance 250.
    assert weighted_displacement_difference(20, 10, 20, 20).wdd == -10
    result = weighted_displacement_difference(80, 20, 100, 50)
    assert result.wdd == -10
    assert result.variance == 250
    assert result.displacement is None and result.displacement_se is None
    assert result.se == pytest.approx(math.sqrt(250))


def test_wdd_total_adds_displacement():
    # ptools' "Total −20": local −10 and displacement −10.
    result = weighted_displacement_difference(20, 10, 20, 20, 20, 10, 20, 20)
    assert (result.local, result.displacement, result.wdd) == (-10, -10, -20)


def test_wdd_needs_the_buffers_control():
    with pytest.raises(ValueError, match="control"):
        weighted_displacement_difference(20, 10, 20, 20, 20, 10)


def test_wdd_of_all_zeros_has_no_z():
    result = weighted_displacement_difference(0, 0, 0, 0)
    assert result.z is None and result.p_value == 1.0


# --- WDQ ---------------------------------------------------------------------------------------


def test_wdq_reference_value_minus_one():
    # Issue 5: T0 = 100, T1 = 50, B0 = 100, B1 = 150, C0 = C1 = 100 gives WDQ = −1: the
    # buffer gained exactly what the treated area lost, relative to the control.
    result = weighted_displacement_quotient(100, 50, 100, 100, 100, 150)
    assert result.wdq == -1.0
    assert result.success_measure == -0.5
    assert result.buffer_displacement_measure == 0.5
    assert result.interpretation is WDQInterpretation.DISPLACEMENT_ERASES_EFFECT
    assert result.total_net_effect == 0.0


@pytest.mark.parametrize(
    ("b1", "expected_wdq", "interpretation"),
    [
        (20, 1.6, WDQInterpretation.DIFFUSION_EXCEEDS_EFFECT),
        (80, 0.4, WDQInterpretation.DIFFUSION),
        (100, 0.0, WDQInterpretation.NO_DISPLACEMENT),
        (120, -0.4, WDQInterpretation.DISPLACEMENT),
        (160, -1.2, WDQInterpretation.DISPLACEMENT_ERASES_EFFECT),
    ],
)
def test_wdq_interpretation_follows_bowers_and_johnson(b1, expected_wdq, interpretation):
    # Treated 100 → 50 against a flat control (success measure −0.5); buffer 100 → b1.
    result = weighted_displacement_quotient(100, 50, 100, 100, 100, b1)
    assert result.wdq == pytest.approx(expected_wdq)
    assert result.interpretation is interpretation


def test_wdq_is_not_read_when_the_treated_area_did_not_improve():
    result = weighted_displacement_quotient(100, 110, 100, 100, 100, 150)
    assert result.success_measure == pytest.approx(0.1)
    assert result.wdq is None
    assert result.interpretation is WDQInterpretation.NOT_SUCCESSFUL


def test_wdq_relative_to_a_rising_control():
    # The treated area stayed at 100 while the control doubled: relative success.
    result = weighted_displacement_quotient(100, 100, 50, 100, 40, 60)
    assert result.success_measure == pytest.approx(1.0 - 2.0)
    assert result.buffer_displacement_measure == pytest.approx(0.6 - 0.8)
    assert result.wdq == pytest.approx(0.2)
    assert result.interpretation is WDQInterpretation.DIFFUSION
    # Guerette's total net effect: [100·2 − 100] + [40·2 − 60] = 120 prevented.
    assert result.total_net_effect == pytest.approx(120.0)


def test_wdq_with_an_empty_control_is_undefined():
    result = weighted_displacement_quotient(100, 50, 0, 10, 100, 120)
    assert result.interpretation is WDQInterpretation.UNDEFINED
    assert result.wdq is None

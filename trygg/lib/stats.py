"""Statistics on crime counts: exact tests for changes, false-discovery control, evaluation.

Pure numpy/scipy, no Django. Every function names its formula and its reference; the tests
check each one against a reference implementation (statsmodels, R) or a published example.

Counts are treated as Poisson. Rates compare counts over exposures (days, weeks, inhabitants);
when two periods are equally long the exposures are 1 and cancel.

Undefined or unbounded values (a ratio over a zero count, the upper limit of a ratio whose
reference count is zero) are ``None`` in the scalar results, so that they pass to JSON
unchanged; the array variants hold ``nan`` and ``inf`` instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats
from scipy.stats.contingency import odds_ratio

ALTERNATIVES = ("two-sided", "larger", "smaller")

# statsmodels' names for the one-sided alternatives, translated to scipy's.
_SCIPY_ALTERNATIVE = {"two-sided": "two-sided", "larger": "greater", "smaller": "less"}


def _finite(value: float | np.ndarray) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _check_alternative(alternative: str) -> str:
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}, not {alternative!r}")
    return _SCIPY_ALTERNATIVE[alternative]


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1")


def _counts(values: ArrayLike, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.size and (
        not np.all(np.isfinite(array)) or np.any(array < 0) or np.any(array != np.floor(array))
    ):
        raise ValueError(f"{name} must be whole numbers ≥ 0")
    return array.astype(np.int64)


def _exposures(values: ArrayLike, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.size and (not np.all(np.isfinite(array)) or np.any(array <= 0)):
        raise ValueError(f"{name} must be positive")
    return array


# --------------------------------------------------------------------------------------------
# Two Poisson counts: the conditional exact test
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoissonTest:
    """Count 1 (the current period) against count 2 (the reference period).

    ``rate_ratio`` is rate1 / rate2 = (count1 / exposure1) / (count2 / exposure2) and
    ``change_percent`` is (rate_ratio − 1) × 100; both are None when count2 is 0.
    ``ci_low``/``ci_high`` is the exact conditional interval for the rate ratio at the
    confidence asked for (always two-sided); ``ci_high`` is None when count2 is 0 (unbounded),
    both are None when both counts are 0.
    """

    count1: int
    exposure1: float
    count2: int
    exposure2: float
    rate_ratio: float | None
    change_percent: float | None
    p_value: float
    ci_low: float | None
    ci_high: float | None
    alternative: str


@dataclass(frozen=True)
class PoissonTests:
    """The array form of :class:`PoissonTest`: ``nan`` where undefined, ``inf`` where unbounded."""

    rate_ratio: np.ndarray
    change_percent: np.ndarray
    p_value: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray


def poisson_exact_tests(
    counts1: ArrayLike,
    exposures1: ArrayLike,
    counts2: ArrayLike,
    exposures2: ArrayLike,
    alternative: str = "two-sided",
    confidence: float = 0.95,
) -> PoissonTests:
    """The conditional exact test of two Poisson rates, element-wise over arrays.

    Given the total n = count1 + count2, count1 is Binomial(n, π) with
    π = r·e1 / (r·e1 + e2) where r = rate1 / rate2; under H0 (r = 1) π = e1 / (e1 + e2).
    The p-value is scipy's exact binomial test of count1 against that π (two-sided: the
    "minimum likelihood" sum over outcomes no more likely than the one observed), as in
    ``statsmodels.stats.rates.test_poisson_2indep(..., method="exact-cond")``, which compares
    rate1 / rate2 ("larger": rate1 > rate2). Przyborowski & Wilenski (1940); Krishnamoorthy &
    Thomson (2004), "A more powerful test for comparing two Poisson means".

    The interval inverts the Clopper–Pearson interval (π_L, π_U) of the binomial proportion:
    r = π / (1 − π) · e2 / e1, as R's ``poisson.test`` does for two samples.

    Both counts 0: no information, p-value 1 and every estimate undefined.
    """
    scipy_alternative = _check_alternative(alternative)
    _check_confidence(confidence)
    c1 = _counts(counts1, "counts1")
    c2 = _counts(counts2, "counts2")
    e1 = _exposures(exposures1, "exposures1")
    e2 = _exposures(exposures2, "exposures2")
    c1, c2, e1, e2 = np.broadcast_arrays(c1, c2, e1, e2)
    n = c1 + c2
    # The same arithmetic as statsmodels (d = e2 / e1, r_d = 1 / d) so that π is bit-equal.
    r_d = 1 / (e2 / e1)
    prop = r_d / (1 + r_d)

    p_value = np.ones(c1.shape)
    pi_low = np.full(c1.shape, np.nan)
    pi_high = np.full(c1.shape, np.nan)
    informative = n > 0
    if np.any(informative):
        result = stats.binomtest(
            c1[informative], n[informative], prop[informative], alternative=scipy_alternative
        )
        p_value[informative] = result.pvalue
        # The interval is two-sided whatever the test's alternative.
        two_sided = stats.binomtest(c1[informative], n[informative], prop[informative])
        interval = two_sided.proportion_ci(confidence_level=confidence, method="exact")
        pi_low[informative] = interval.low
        pi_high[informative] = interval.high

    with np.errstate(divide="ignore", invalid="ignore"):
        rate_ratio = np.where(c2 > 0, (c1 / e1) / (c2 / e2), np.nan)
        scale = e2 / e1
        ci_low = pi_low / (1 - pi_low) * scale
        ci_high = np.where(pi_high < 1, pi_high / (1 - pi_high) * scale, np.inf)
        ci_high = np.where(informative, ci_high, np.nan)
    return PoissonTests(
        rate_ratio=rate_ratio,
        change_percent=(rate_ratio - 1) * 100,
        p_value=p_value,
        ci_low=ci_low,
        ci_high=ci_high,
    )


def poisson_exact_test(
    count1: int,
    exposure1: float,
    count2: int,
    exposure2: float,
    alternative: str = "two-sided",
    confidence: float = 0.95,
) -> PoissonTest:
    """Is the rate of count 1 (current) different from that of count 2 (reference)?

    The conditional exact test of :func:`poisson_exact_tests` for one pair; its p-value equals
    ``statsmodels.stats.rates.test_poisson_2indep(count1, exposure1, count2, exposure2,
    method="exact-cond", alternative=alternative).pvalue``.
    """
    tests = poisson_exact_tests(count1, exposure1, count2, exposure2, alternative, confidence)
    return PoissonTest(
        count1=int(count1),
        exposure1=float(exposure1),
        count2=int(count2),
        exposure2=float(exposure2),
        rate_ratio=_finite(tests.rate_ratio),
        change_percent=_finite(tests.change_percent),
        p_value=float(tests.p_value),
        ci_low=_finite(tests.ci_low),
        ci_high=_finite(tests.ci_high),
        alternative=alternative,
    )


# --------------------------------------------------------------------------------------------
# One count against a Poisson baseline (EST's weekly view)
# --------------------------------------------------------------------------------------------


def poisson_upper_tails(observed: ArrayLike, expected: ArrayLike) -> np.ndarray:
    """P(X ≥ observed) for X ~ Poisson(expected), element-wise: ``poisson.sf(observed − 1)``.

    Used for "this week against the mean of the previous 8 weeks": a small value says the
    week's count is improbably high if the baseline rate still held. With expected 0, any
    count above 0 has probability 0 and a count of 0 has probability 1.
    """
    k = _counts(observed, "observed")
    mu = np.asarray(expected, dtype=float)
    if mu.size and (not np.all(np.isfinite(mu)) or np.any(mu < 0)):
        raise ValueError("expected must be ≥ 0")
    return np.asarray(stats.poisson.sf(k - 1, mu), dtype=float)


def poisson_upper_tail(observed: int, expected: float) -> float:
    """P(X ≥ observed | X ~ Poisson(expected)); see :func:`poisson_upper_tails`."""
    return float(poisson_upper_tails(observed, expected))


# --------------------------------------------------------------------------------------------
# Many tests at once: Benjamini–Hochberg
# --------------------------------------------------------------------------------------------


def _p_array(p_values: ArrayLike) -> np.ndarray:
    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1:
        raise ValueError("p_values must be one-dimensional")
    if p.size and (np.any(~np.isfinite(p)) or np.any(p < 0) or np.any(p > 1)):
        raise ValueError("p_values must lie between 0 and 1")
    return p


def benjamini_hochberg(p_values: ArrayLike, q: float = 0.05) -> np.ndarray:
    """Which hypotheses to reject so that the false discovery rate stays at most ``q``.

    Benjamini & Hochberg (1995), "Controlling the false discovery rate", JRSS B 57:289–300:
    sort the m p-values, p(1) ≤ … ≤ p(m), find the largest k with p(k) ≤ k·q / m and reject
    the hypotheses of p(1) … p(k). Returns a boolean array in the input's order, equal to
    ``statsmodels.stats.multitest.multipletests(p, alpha=q, method="fdr_bh")[0]``.
    """
    if not 0 < q < 1:
        raise ValueError("q must lie strictly between 0 and 1")
    p = _p_array(p_values)
    m = p.size
    reject = np.zeros(m, dtype=bool)
    if m == 0:
        return reject
    order = np.argsort(p)
    # statsmodels' arithmetic (rank / m, then × q) so that ties at the threshold agree.
    below = p[order] <= (np.arange(1, m + 1) / float(m)) * q
    if below.any():
        k = int(np.nonzero(below)[0].max())
        reject[order[: k + 1]] = True
    return reject


def benjamini_hochberg_adjusted(p_values: ArrayLike) -> np.ndarray:
    """BH-adjusted p-values ("q-values"): reject where adjusted ≤ q gives the same answer.

    adjusted p(i) = min over j ≥ i of p(j)·m / j, capped at 1; equal to
    ``multipletests(p, method="fdr_bh")[1]``.
    """
    p = _p_array(p_values)
    m = p.size
    if m == 0:
        return p.copy()
    order = np.argsort(p)
    raw = p[order] / (np.arange(1, m + 1) / float(m))
    sorted_adjusted = np.minimum(np.minimum.accumulate(raw[::-1])[::-1], 1.0)
    adjusted = np.empty(m)
    adjusted[order] = sorted_adjusted
    return adjusted


# --------------------------------------------------------------------------------------------
# Evaluating a measure: before/after, WDD, WDQ
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BeforeAfter:
    """The change in a treated area after a measure started, optionally net of a comparison.

    ``rate_ratio``: without a comparison area, rate_after / rate_before; with one, the ratio
    of ratios (T1 / T0) / (C1 / C0). Below 1 means fewer incidents than expected.
    ``effect_percent`` = (rate_ratio − 1) × 100 with its interval from the ratio's interval.
    """

    treated_before: int
    treated_after: int
    comparison_before: int | None
    comparison_after: int | None
    rate_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    effect_percent: float | None
    effect_ci_low: float | None
    effect_ci_high: float | None
    p_value: float
    confidence: float
    method: str


def _percent(ratio: float | None) -> float | None:
    return None if ratio is None else (ratio - 1) * 100


def rate_ratio_before_after(
    t_before: int,
    t_after: int,
    c_before: int | None = None,
    c_after: int | None = None,
    *,
    exposure_before: float = 1.0,
    exposure_after: float = 1.0,
    confidence: float = 0.95,
) -> BeforeAfter:
    """Rate ratio after/before in the treated area, net of a comparison area when one is given.

    Both intervals are exact conditional ones:

    - Treated area alone: conditional on T0 + T1, T1 is binomial; the Clopper–Pearson
      interval for its proportion gives the interval for rate_after / rate_before
      (:func:`poisson_exact_test` with the after period as count 1; R's ``poisson.test``).
      ``exposure_before``/``exposure_after`` are the window lengths (they cancel when equal).
    - With a comparison area: the four counts are independent Poisson, and conditional on the
      margins of the table [[T1, T0], [C1, C0]] T1 follows Fisher's noncentral hypergeometric
      distribution whose parameter is the ratio of ratios ψ = (λT1 / λT0) / (λC1 / λC0) —
      the window lengths cancel. The interval inverts the two one-sided exact tests
      (Cornfield 1956, "A statistical problem arising from retrospective studies"; scipy's
      ``odds_ratio(kind="conditional")``, as R's ``fisher.test``); the p-value is Fisher's
      exact test of ψ = 1. The estimate is the sample ratio T1·C0 / (T0·C1).

    A before/after design cannot tell a measure's effect from regression to the mean after a
    peak or from anything else that changed at the same time; a comparison area removes only
    the changes the two areas share.
    """
    _check_confidence(confidence)
    if (c_before is None) != (c_after is None):
        raise ValueError("a comparison area needs both its before and its after count")
    if c_before is None or c_after is None:
        test = poisson_exact_test(
            t_after, exposure_after, t_before, exposure_before, confidence=confidence
        )
        ratio, low, high, p_value = test.rate_ratio, test.ci_low, test.ci_high, test.p_value
        method = "exact conditional (binomial, Clopper–Pearson)"
    else:
        table = _counts([[t_after, t_before], [c_after, c_before]], "counts")
        result = odds_ratio(table, kind="conditional")
        interval = result.confidence_interval(confidence_level=confidence)
        has_margins = table.sum(axis=0).all() and table.sum(axis=1).all()
        low = _finite(interval.low) if has_margins else None
        high = _finite(interval.high) if has_margins else None
        denominator = int(table[0, 1]) * int(table[1, 0])
        ratio = int(table[0, 0]) * int(table[1, 1]) / denominator if denominator else None
        p_value = float(stats.fisher_exact(table).pvalue)
        method = "exact conditional (noncentral hypergeometric, Cornfield)"
    return BeforeAfter(
        treated_before=int(t_before),
        treated_after=int(t_after),
        comparison_before=None if c_before is None else int(c_before),
        comparison_after=None if c_after is None else int(c_after),
        rate_ratio=ratio,
        ci_low=low,
        ci_high=high,
        effect_percent=_percent(ratio),
        effect_ci_low=_percent(low),
        effect_ci_high=_percent(high),
        p_value=p_value,
        confidence=confidence,
        method=method,
    )


@dataclass(frozen=True)
class WDD:
    """Weighted displacement difference: crimes prevented (negative) or added (positive).

    ``local`` = ΔT − ΔC and, with a buffer, ``displacement`` = ΔB − ΔCb; ``wdd`` is their sum.
    ``variance`` is the sum of all counts used; ``z`` = wdd / √variance (None when every
    count is 0) and ``p_value`` is two-sided from the normal distribution.
    """

    local: int
    local_se: float
    displacement: int | None
    displacement_se: float | None
    wdd: int
    variance: int
    se: float
    z: float | None
    p_value: float
    ci_low: float
    ci_high: float
    confidence: float


def weighted_displacement_difference(
    t0: int,
    t1: int,
    c0: int,
    c1: int,
    b0: int | None = None,
    b1: int | None = None,
    cb0: int | None = None,
    cb1: int | None = None,
    *,
    confidence: float = 0.95,
) -> WDD:
    """Wheeler & Ratcliffe (2018), "A simple weighted displacement difference test to evaluate
    place based crime interventions", Crime Science 7:11.

    T = treated area, C = its control area, B = the displacement (buffer) area around T and
    Cb = the buffer's own control area; 0 = before, 1 = after, in windows of equal length:

        WDD = (T1 − T0) − (C1 − C0) + (B1 − B0) − (Cb1 − Cb0)
        Var(WDD) = T0 + T1 + C0 + C1 + B0 + B1 + Cb0 + Cb1

    (the counts are independent Poisson, each its own variance). z = WDD / √Var, the interval
    WDD ± z_(1−α/2)·√Var. The displacement term needs the buffer and its control; without them
    the statistic is the local one, (T1 − T0) − (C1 − C0) with variance T0 + T1 + C0 + C1.
    """
    _check_confidence(confidence)
    buffer = (b0, b1, cb0, cb1)
    given = [value is not None for value in buffer]
    if any(given) and not all(given):
        raise ValueError(
            "the displacement term needs the buffer's counts and those of the buffer's own "
            "control area (b0, b1, cb0, cb1)"
        )
    t0, t1, c0, c1 = (int(v) for v in _counts([t0, t1, c0, c1], "counts"))
    local = (t1 - t0) - (c1 - c0)
    local_variance = t0 + t1 + c0 + c1
    displacement: int | None = None
    displacement_variance = 0
    if b0 is not None and b1 is not None and cb0 is not None and cb1 is not None:
        b0_, b1_, cb0_, cb1_ = (int(v) for v in _counts([b0, b1, cb0, cb1], "counts"))
        displacement = (b1_ - b0_) - (cb1_ - cb0_)
        displacement_variance = b0_ + b1_ + cb0_ + cb1_
    total = local + (displacement or 0)
    variance = local_variance + displacement_variance
    se = math.sqrt(variance)
    z = total / se if variance else None
    p_value = 1.0 if z is None else float(2 * stats.norm.sf(abs(z)))
    critical = float(stats.norm.isf((1 - confidence) / 2))
    return WDD(
        local=local,
        local_se=math.sqrt(local_variance),
        displacement=displacement,
        displacement_se=None if displacement is None else math.sqrt(displacement_variance),
        wdd=total,
        variance=variance,
        se=se,
        z=z,
        p_value=p_value,
        ci_low=total - critical * se,
        ci_high=total + critical * se,
        confidence=confidence,
    )


class WDQInterpretation(StrEnum):
    """Bowers & Johnson's reading of the WDQ (as tabulated by Guerette 2009, appendix C)."""

    NOT_SUCCESSFUL = "not_successful"  # success measure ≥ 0: no relative drop, WDQ meaningless
    UNDEFINED = "undefined"  # a control count of 0: the ratios cannot be formed
    DIFFUSION_EXCEEDS_EFFECT = "diffusion_exceeds_effect"  # WDQ > 1
    DIFFUSION = "diffusion"  # 0 < WDQ ≤ 1: the buffer improved too
    NO_DISPLACEMENT = "no_displacement"  # WDQ = 0: the buffer moved like the control area
    DISPLACEMENT = "displacement"  # −1 < WDQ < 0: some displacement, less than the effect
    DISPLACEMENT_ERASES_EFFECT = "displacement_erases_effect"  # WDQ ≤ −1


@dataclass(frozen=True)
class WDQ:
    """The weighted displacement quotient and its parts.

    ``success_measure`` = T1/C1 − T0/C0 (negative: the treated area improved relative to the
    control), ``buffer_displacement_measure`` = B1/C1 − B0/C0 (positive: the buffer worsened,
    a sign of displacement; negative: diffusion of benefits). ``wdq`` is their quotient, None
    unless the success measure is negative. ``total_net_effect`` (Guerette 2009) is
    [T0·C1/C0 − T1] + [B0·C1/C0 − B1]: incidents prevented in treated and buffer area
    together, net of the control area's trend (positive: fewer than expected).
    """

    success_measure: float | None
    buffer_displacement_measure: float | None
    wdq: float | None
    interpretation: WDQInterpretation
    total_net_effect: float | None


def weighted_displacement_quotient(t0: int, t1: int, c0: int, c1: int, b0: int, b1: int) -> WDQ:
    """Bowers & Johnson (2003), "Measuring the geographical displacement and diffusion of
    benefit effects of crime prevention activity", J. Quant. Criminology 19:275–301.

        WDQ = (B1/C1 − B0/C0) / (T1/C1 − T0/C0)

    with T the treated area, B its buffer and C a control area, 0 before and 1 after. The
    quotient is only read when the success measure (the denominator) is negative, i.e. the
    treated area improved relative to the control. Computed in exact fractions so that the
    boundaries of the interpretation (0, −1, 1) are met exactly.
    """
    t0, t1, c0, c1, b0, b1 = (int(v) for v in _counts([t0, t1, c0, c1, b0, b1], "counts"))
    if c0 == 0 or c1 == 0:
        return WDQ(None, None, None, WDQInterpretation.UNDEFINED, None)
    success = Fraction(t1, c1) - Fraction(t0, c0)
    buffer = Fraction(b1, c1) - Fraction(b0, c0)
    trend = Fraction(c1, c0)
    total_net_effect = float((t0 * trend - t1) + (b0 * trend - b1))
    if success >= 0:
        return WDQ(
            float(success),
            float(buffer),
            None,
            WDQInterpretation.NOT_SUCCESSFUL,
            total_net_effect,
        )
    wdq = buffer / success
    if wdq > 1:
        interpretation = WDQInterpretation.DIFFUSION_EXCEEDS_EFFECT
    elif wdq > 0:
        interpretation = WDQInterpretation.DIFFUSION
    elif wdq == 0:
        interpretation = WDQInterpretation.NO_DISPLACEMENT
    elif wdq > -1:
        interpretation = WDQInterpretation.DISPLACEMENT
    else:
        interpretation = WDQInterpretation.DISPLACEMENT_ERASES_EFFECT
    return WDQ(float(success), float(buffer), float(wdq), interpretation, total_net_effect)

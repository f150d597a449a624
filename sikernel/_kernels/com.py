"""COM figure-of-merit kernels: one FOM evaluation and the exhaustive TX FFE x CTLE grid.

IEEE Std 802.3-2022 Annex 93A.1.6 (as amended by 802.3ck): for each TX FFE setting
``c`` and CTLE setting ``k`` the equalised pulse response is

    p(i) = sum_a c_a q_k(i - o_a M)                                    (93A-21, 93A-24)

with ``q_k`` the pulse response (sampled at ``M`` samples per UI, victim amplitude
A_v included) of channel + package + TX rise-time filter + RX AFE + CTLE setting
``k`` *without* TX FFE, and ``o_a`` the tap offsets in UI.  The sampling point is
the Mueller-Mueller point ``h(t_s - T) = h(t_s + T) - b(1) h(t_s)`` (93A-25, with
``b(1)`` from 93A-26 clipped to its limits).  Which sample is taken is a rule (the
``mm_tol`` argument): the IEEE MATLAB COM rule (``cursor_sample_index``: smallest residual
over the 2 UI that start at the pulse's 1 % rising crossing, :func:`_mm_ieee`), or the
smallest residual within one UI of the peak of ``p`` (first on ties), optionally with
pychopmarg's priority to near-exact solutions.  Then, with ``h_n = p(t_s + nT)``, ``h0 = h_0``,
``sigma_X^2 = (L^2 - 1)/(3 (L - 1)^2)`` (93A-29):

* A_s = R_LM h0 / (L - 1)                                           (93A.1.6 c)
* sigma_TX^2 = h0^2 10^(-SNR_TX/10)                                  (93A-30)
* sigma_ISI^2 = sigma_X^2 [sum_{n != 0} h_n^2 with h_n, 1 <= n <= N_b, replaced
  by h_n - b(n) h0, b(n) = clip(h_n/h0, b_min(n), b_max(n))]         (93A-26, 93A-27, 93A-31)
  Pre-cursors are counted (93A-31 sums over all n).
* sigma_J^2 = sigma_X^2 (A_DD^2 + sigma_RJ^2) sum_n h_J(n)^2,
  h_J(n) = (p(t_s + nT + T/M) - p(t_s + nT - T/M)) M/2  (V/UI)       (93A-32; 178A-23 form)
* sigma_XT^2 = sigma_X^2 sum_aggressors max_phase sum_n x(phase + nT)^2 (93A-33, 93A-34);
  far-end aggressors go through the victim's TX FFE, near-end ones through none.
* sigma_N^2 = eta_0 int |H_r H_ctf|^2 df (given per CTLE setting)    (93A-35)
* FOM = 10 log10(A_s^2 / (sigma_TX^2 + sigma_ISI^2 + sigma_J^2 + sigma_XT^2 + sigma_N^2))  (93A-36)

Speed: ``p`` is linear in ``c``, so the sums of squares over all UIs are quadratic
forms ``c^T R c`` with ``R[a, b] = r(|o_a - o_b|)`` the autocorrelation, per
sampling phase, of the ``q_k`` samples (and of their slopes, and of each far-end
aggressor).  The grid driver computes those autocorrelations once per CTLE setting
(``M`` phases x a few lags) and then evaluates every TX setting with a few hundred
flops: the pulse near its peak (cursor search), the DFE-span terms and the
quadratic forms.  Exact, not an approximation: the quadratic form equals the sum
over the linear convolution (zero outside the stored window).
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import kernel
from .fma import fma

#: half-width (UI) of the window around the CTLE pulse peak in which the TX-equalised
#: pulse is formed.  Its peak is searched within +/- _PEAK_SPAN_UI of the CTLE peak; the
#: IEEE rule then looks back _ZX_SEARCH_UI UI from that peak for the 1 % crossing and needs
#: one more UI before it (h(-1)); the +/- 1 UI rule needs 2 UI either side of the peak.
_WIN_UI = 6
_PEAK_SPAN_UI = 1
#: IEEE MATLAB COM ``cursor_sample_index``: the rising-edge crossing is searched in the 4 UI
#: before the peak, at 1 % of the peak, and the MM candidates span 2 UI from it (inclusive).
_ZX_SEARCH_UI = 4
_ZX_FRACTION = 0.01
_MM_SPAN_UI = 2

# indices of the terms array returned by fom_direct / used in the grid
T_FOM = 0
T_AS = 1
T_H0 = 2
T_VTX = 3
T_VISI = 4
T_VJ = 5
T_VXT = 6
T_VN = 7
T_IX = 8
N_TERMS = 9


@kernel
def _sample(q, i):
    """q[i] with zero outside the stored window."""
    if i < 0 or i >= q.shape[0]:
        return 0.0
    return q[i]


@kernel
def _o_max(offs):
    o_max = 0
    for a in range(offs.shape[0]):
        o_max = max(o_max, abs(offs[a]))
    return o_max


@kernel
def _tap_window(q, offs, m_spui, base, qs):
    """qs[a, j] = q(base + j - o_a M) (zero outside ``q``): the pulse as seen by each TX tap
    over the cursor window, so that p(base + j) = sum_a c_a qs[a, j] (93A-21)."""
    for a in range(offs.shape[0]):
        sh = base - offs[a] * m_spui
        for j in range(qs.shape[1]):
            qs[a, j] = _sample(q, sh + j)


@kernel
def _tap_phases(q, offs, m_spui, base, zs):
    """zs[m, a, u] = q(base + m + u M - o_a M) (zero outside ``q``): the symbol-spaced
    samples of each TX tap's copy of the pulse at each phase m, from ``base`` on
    (``zs[m]`` is a :func:`_tap_window` of phase m at one sample per UI)."""
    for m in range(m_spui):
        for a in range(offs.shape[0]):
            sh = base - offs[a] * m_spui
            for u in range(zs.shape[2]):
                zs[m, a, u] = _sample(q, sh + m + u * m_spui)


@kernel
def _fill(qs, c, j0, j1, buf):
    """buf[j] = p = sum_a c_a qs[a, j] for j in [j0, j1) (``0 <= j0``), one pass per tap.

    Each sample is the FMA chain ``s = 0; s = fma(c_a, qs[a, j], s)`` in tap order: the
    rounding of the plain loop ``s += c_a q(i - o_a M)`` (a zero tap adds an exact zero).  The
    passes run over contiguous slices from index 0, which LLVM vectorises (indexing ``buf``
    and ``qs`` at ``j0 + j`` directly kept the wrap-around test of negative indices in the
    loop: about 3.5x slower per sample, measured on the DPO_4in windows)."""
    n = j1 - j0
    if n <= 0:
        return
    b = buf[j0:j1]
    for j in range(n):
        b[j] = 0.0
    for a in range(qs.shape[0]):
        ca = c[a]
        r = qs[a, j0:j1]
        for j in range(n):
            b[j] = fma(ca, r[j], b[j])


@kernel
def _mm_ieee(qs, c, m_spui, jpk, j_lo, j_hi, bmax0, has_dfe, buf):
    """Buffer index of the IEEE MATLAB COM Mueller-Mueller sample; -1 if no rising crossing.

    The rule of function ``cursor_sample_index`` of the IEEE 802.3 COM MATLAB code, identical
    in COM 3.70 (``com_ieee8023_93a_370.m``) and COM 4.50
    (``sourceFiles/com_ieee8023_93a_450.m``) of the public mirror github.com/Omer-Sella/COM;
    the same lines sit inline in ``optimize_fom`` of ``com_ieee8023_93a.m`` rev. 1.50 (2014),
    and the code's change list up to r4.20 adds only the optional 'Mod-MM' CDR (r2.58).
    One difference of scope: MATLAB takes the peak over +/- 20 UI of the unequalised
    pulse's peak, the caller here over +/- 1 UI of the CTLE pulse's peak.

    1. ``zxi``: the last sample in ``[jpk - 4 UI, jpk)`` after which p rises through 1 % of
       its peak ``p(jpk)`` (MATLAB ``diff(sign(p - 0.01 p_peak)) >= 1``); none -> no sample
       (MATLAB skips that TX FFE setting).  Scanned backwards from the peak, stopping at the
       first hit (= the last one forwards).
    2. Over the 2 UI + 1 samples ``j = zxi ... zxi + 2 UI`` minimise
       ``|h(-1) - max(h(1) - b_max(1) h(0), 0)|`` with ``h(n) = p(j + n UI)`` (93A-25 with
       b(1) at its limit only where h(1) exceeds it: below the limit the DFE cancels h(1)
       and the condition is h(-1) = 0); ``b_max(1) = 0`` without DFE.
    3. The first minimum wins (MATLAB ``min``).

    ``buf[j] = p(j)`` (window index, :func:`_fill` of ``qs``) is already valid for
    ``j_lo <= j < j_hi`` (the peak span); the rest of what the rule reads is computed here,
    in contiguous blocks.
    """
    thr = _ZX_FRACTION * buf[jpk]
    zxi = -1
    lo_f = j_lo  # buf valid on [lo_f, j_hi)
    j_min = jpk - _ZX_SEARCH_UI * m_spui
    j = jpk - 1  # next sample to test, downwards
    while j >= j_min:
        if j < lo_f:  # extend the valid range one UI down
            j0 = max(j - m_spui + 1, j_min)
            _fill(qs, c, j0, lo_f, buf)
            lo_f = j0
        # samples lo_f .. j, downwards, on a view from index 0 (no wrap-around test per index)
        seg = buf[lo_f: j + 2]
        for s in range(j - lo_f + 1):
            i = j - lo_f - s
            v_hi = seg[i + 1]
            v = seg[i]
            if (v < thr and v_hi >= thr) or (v == thr and v_hi > thr):  # sign step >= 1
                zxi = lo_f + i
                break
        if zxi >= 0:
            break
        j = lo_f - 1
    if zxi < 0:
        return -1
    if zxi - m_spui < lo_f:
        _fill(qs, c, zxi - m_spui, lo_f, buf)
    j_end = zxi + (_MM_SPAN_UI + 1) * m_spui + 1
    if j_end > j_hi:
        _fill(qs, c, j_hi, j_end, buf)
    b1 = bmax0 if has_dfe else 0.0
    n_c = _MM_SPAN_UI * m_spui + 1
    h_m1 = buf[zxi - m_spui: zxi - m_spui + n_c]  # h(-1), h(0), h(1) of candidate zxi + i
    h_0 = buf[zxi: zxi + n_c]
    h_p1 = buf[zxi + m_spui: zxi + m_spui + n_c]
    best = 0
    res_min = np.inf
    for i in range(n_c):
        post = fma(-b1, h_0[i], h_p1[i])  # h(1) - b1 h(0), one rounding
        if post < 0.0:
            post = 0.0
        res = abs(h_m1[i] - post)
        if res < res_min:
            res_min = res
            best = i
    return zxi + best


@kernel
def _cursor(qs, c, m_spui, bmin0, bmax0, has_dfe, tol, buf):
    """Mueller-Mueller sampling index (93A-25/26) of the TX-equalised pulse; -1 if none.

    ``qs`` (n_taps, 2 _WIN_UI M + 1) is :func:`_tap_window` of the pulse around the index of
    its peak (window centre ``_WIN_UI M``); the index returned is in that window.  The peak
    of p is searched within ``+/- _PEAK_SPAN_UI`` UI of the centre (first maximum).  Then, by ``tol``:

    * ``tol < 0``: the IEEE MATLAB COM rule, :func:`_mm_ieee` (anchored at the 1 % rising
      crossing, 2 UI of candidates, residual with b_max(1)).
    * ``tol >= 0``: among the samples within one UI of the peak (``[pk - M, pk + M)``),
      minimise |h(-1) - (h(1) - b(1) h(0))| with b(1) = clip(h(1)/h(0)) (first on ties;
      samples with h(0) <= 0 skipped).  Unsaturated, the residual is |h(-1)|; saturated at b,
      |h(-1) - h(1) + b h(0)|.  With ``tol > 0`` (volts) candidates whose residual is below
      ``tol`` count as exact solutions and take priority: the last one at or before the
      peak, else the first after it (the rule of pychopmarg 3.4 ``loc_curs``, tol = 1 mV
      there).

    ``buf`` (length ``2 _WIN_UI M + 1``) receives p over the window where the rule reads it.
    """
    w = _WIN_UI * m_spui
    span = _PEAK_SPAN_UI * m_spui
    _fill(qs, c, w - span, w + span + 1, buf)
    seg = buf[w - span: w + span + 1]  # a view from index 0: no wrap-around test per index
    i_pk = 0
    vpk = seg[0]
    for i in range(1, 2 * span + 1):
        if seg[i] > vpk:
            vpk = seg[i]
            i_pk = i
    jpk = w - span + i_pk
    if tol < 0.0:
        return _mm_ieee(qs, c, m_spui, jpk, w - span, w + span + 1, bmax0, has_dfe, buf)
    _fill(qs, c, jpk - 2 * m_spui, w - span, buf)
    _fill(qs, c, w + span + 1, jpk + 2 * m_spui, buf)
    best = -1
    res_min = np.inf
    ex_pre = -1
    ex_post = -1
    for j in range(jpk - m_spui, jpk + m_spui):
        h0 = buf[j]
        if h0 <= 0.0:
            continue
        hp = buf[j + m_spui]
        hm = buf[j - m_spui]
        if has_dfe and hp > bmax0 * h0:
            res = abs(hm - hp + bmax0 * h0)
        elif has_dfe and hp < bmin0 * h0:
            res = abs(hm - hp + bmin0 * h0)
        elif has_dfe:
            res = abs(hm)
        else:
            res = abs(hm - hp)
        if res < tol:
            if j <= jpk:
                ex_pre = j
            elif ex_post < 0:
                ex_post = j
        if res < res_min:
            res_min = res
            best = j
    if ex_pre >= 0:
        return ex_pre
    if ex_post >= 0:
        return ex_post
    return best


@kernel
def _argmax(q):
    ipk = 0
    for i in range(q.shape[0]):
        if q[i] > q[ipk]:
            ipk = i
    return ipk


@kernel
def _dfe_correction(h, h0, b_lo, b_hi):
    """(h - b h0)^2 - h^2 with b = clip(h/h0, b_lo, b_hi): the change one DFE tap makes to
    the sum of squared cursors, h its post-cursor and h0 the main cursor (93A-26/27)."""
    b = h / h0
    if b > b_hi:
        b = b_hi
    if b < b_lo:
        b = b_lo
    r = h - b * h0
    return r * r - h * h


#: entries of the ``flt`` array of the DFE kernels (floating taps and tail RSS limit, from
#: the IEEE COM sheet keywords N_bg, N_bf, N_f, bmaxg, B_float_RSS_MAX, N_tail_start)
F_NBG = 0
F_NBF = 1
F_NF = 2
F_BMAXG = 3
F_RSS = 4
F_TAIL = 5
N_FLT = 6


@kernel
def _argsort_desc(x, n, out):
    """out[:n] = indices of x[:n] by decreasing value, equal values in index order (MATLAB's
    stable ``sort(..., 'descend')``); insertion sort (n is a few tens)."""
    for i in range(n):
        out[i] = i
    for i in range(1, n):
        v = out[i]
        j = i - 1
        while j >= 0 and x[out[j]] < x[v]:
            out[j + 1] = out[j]
            j -= 1
        out[j + 1] = v


@kernel
def findbankloc(hisi, idx_st, idx_en, tap_bk, curval, bmaxg, n_bg, idx):
    """Floating DFE tap locations: ``findbankloc`` of the IEEE 802.3 COM MATLAB code 4.50
    (``sourceFiles/com_ieee8023_93a_450.m``, public mirror github.com/Omer-Sella/COM), line
    for line with 0-based arrays.

    ``hisi[n - 1]`` is post-cursor n (1-based, as MATLAB's ``postcurors``); banks of ``tap_bk``
    consecutive taps are placed in post-cursors ``idx_st .. idx_en`` (1-based, inclusive) by
    the energy ``sum |h|^2 - max(0, |h| - bmaxg curval)^2`` they remove, strongest first, with
    MATLAB's rules for neighbouring banks (a bank exactly ``tap_bk`` before the chosen one is
    taken next; overlapping positions are barred) and its shortcut (the first
    ``n_bg tap_bk`` taps when the strongest ``(n_bg - 1) tap_bk + 1`` starts are the first
    ones).  Writes the 1-based post-cursor numbers of the ``n_bg tap_bk`` floating taps to
    ``idx`` (a 0 marks an unplaced tap, which MATLAB's code also leaves when it gives up).
    """
    ln = idx_en - idx_st + 1
    nn = ln - tap_bk + 1
    n_all = n_bg * tap_bk
    for i in range(n_all):
        idx[i] = 0
    if nn < 1 or n_bg < 1:
        return
    # ndiff may grow by up to tap_bk - 1 entries when a bank's tail is marked (MATLAB grows it)
    ndiff = np.empty(ln + tap_bk)
    for i in range(nn):
        acc = 0.0
        for ii in range(tap_bk):
            h0 = hisi[idx_st - 1 + i + ii] if idx_st - 1 + i + ii < hisi.shape[0] else 0.0
            h0 = abs(h0)
            h1 = h0 - bmaxg * curval
            if h1 < 0.0 or curval < 0.0:
                h1 = 0.0
            acc += h0 * h0 - h1 * h1
        ndiff[i] = acc
    cur_len = nn
    vs = np.empty(ln + tap_bk, dtype=np.int64)
    n_ord = (n_bg - 1) * tap_bk + 1
    set_next = 0                                   # 1-based start of a forced next bank
    bad = np.empty(tap_bk, dtype=np.int64)
    for k in range(1, n_bg + 1):
        _argsort_desc(ndiff, cur_len, vs)
        if k == 1 and n_ord <= cur_len:
            # shortcut: the strongest n_ord starts are exactly 1..n_ord
            ok = True
            for i in range(n_ord):
                if vs[i] >= n_ord:
                    ok = False
                    break
            if ok:
                for i in range(n_all):
                    idx[i] = i + 1
                break
        if set_next > 0:
            nb1 = set_next
            for j in range(tap_bk):
                idx[tap_bk * (k - 1) + j] = nb1 + j
                ndiff[nb1 + j - 1] = -np.inf
                if nb1 + j > cur_len:
                    cur_len = nb1 + j
            set_next = 0
            for b in range(max(1, nb1 - tap_bk + 1), nb1):
                ndiff[b - 1] = -np.inf
            continue
        nb1 = vs[0] + 1
        if k == n_bg:
            for j in range(tap_bk):
                idx[tap_bk * (k - 1) + j] = nb1 + j
            break
        again = True
        first = True
        loops = 0
        n_bad = 0
        while again:
            again = False
            if loops > cur_len:
                break
            n_bad = 0
            for b in range(max(1, nb1 - tap_bk + 1), nb1):
                taken = False
                for i in range(n_all):
                    if idx[i] == b:
                        taken = True
                        break
                if not taken:
                    bad[n_bad] = b
                    n_bad += 1
            good = nb1 - tap_bk
            if n_bad > 0:
                if not first:
                    _argsort_desc(ndiff, cur_len, vs)
                first = False
                min_pos = cur_len + 1
                for j in range(n_bad):
                    for i in range(cur_len):
                        if vs[i] + 1 == bad[j]:
                            if i + 1 < min_pos:
                                min_pos = i + 1
                            break
                found_good = False
                ii = 0
                for i in range(cur_len):
                    ii = i + 1
                    v = vs[i] + 1
                    if v == good:
                        found_good = True
                        break
                    in_check = nb1 <= v <= nb1 + tap_bk - 1
                    for j in range(n_bad):
                        if bad[j] == v:
                            in_check = True
                    if not in_check:
                        break
                if not found_good and min_pos < ii:
                    again = True
                    ndiff[nb1 - 1] = -np.inf
                    nb1 = vs[1] + 1
                if found_good:
                    set_next = good
            loops += 1
        for j in range(tap_bk):
            ndiff[nb1 + j - 1] = -np.inf
            if nb1 + j > cur_len:
                cur_len = nb1 + j
            idx[tap_bk * (k - 1) + j] = nb1 + j
        for j in range(n_bad):
            ndiff[bad[j] - 1] = -np.inf
    for i in range(n_all):
        if idx[i] > 0:
            idx[i] += idx_st - 1


@kernel
def dfe_taps(hp, n_hp, h0, bmin, bmax, flt, taps):
    """DFE taps of the IEEE 802.3 COM reference code, 93A-26 with its floating taps and tail
    RSS limit (``optimize_fom`` / ``floatingDFE`` / ``dfe_clipper`` of
    ``com_ieee8023_93a_450.m``); returns sum_n (h_n - b_n h0)^2 - h_n^2 over the DFE span.

    ``hp[n - 1]`` = post-cursor h_n (n = 1 .. n_hp, zero beyond), ``h0`` the cursor.  Fixed
    taps n <= N_b = len(bmax): b_n = clip(h_n / h0, bmin_n, bmax_n).  With floating taps
    (``flt[F_NBG]`` = N_bg > 0) the span is N_f taps: ``findbankloc`` places N_bg banks of
    N_bf taps in N_b + 1 .. N_f, those get limits +/- bmaxg, the other taps of the span 0.
    Tail limit (``flt[F_TAIL]`` = N_tail_start > 0 and span >= N_tail_start): when the RSS of
    taps N_tail_start .. span reaches B_float_RSS_MAX they are scaled to that RSS (their limits
    become B_float_RSS_MAX |b_n| / RSS).  ``taps`` (length >= span) receives b_n; the span is
    returned in ``taps`` implicitly by the caller's ``dfe_span``.
    """
    nb = bmax.shape[0]
    n_bg = int(flt[F_NBG])
    span = dfe_span(nb, flt)
    for n in range(span):
        h = hp[n] if n < n_hp else 0.0
        if n < nb:
            lo = bmin[n]
            hi = bmax[n]
        else:
            lo = 0.0
            hi = 0.0
        # MATLAB dfe_clipper on the cursors: clip(h, h0 bmax, h0 bmin)
        v = h
        if v > h0 * hi:
            v = h0 * hi
        if v < h0 * lo:
            v = h0 * lo
        taps[n] = v
    if n_bg > 0 and span > nb:
        n_bf = int(flt[F_NBF])
        loc = np.empty(n_bg * n_bf, dtype=np.int64)
        findbankloc(hp[:n_hp], nb + 1, span, n_bf, h0, flt[F_BMAXG], n_bg, loc)
        g = flt[F_BMAXG]
        for i in range(loc.shape[0]):
            n = loc[i] - 1
            if n < nb or n >= span:
                continue
            h = hp[n] if n < n_hp else 0.0
            v = h
            if v > h0 * g:
                v = h0 * g
            if v < -h0 * g:
                v = -h0 * g
            taps[n] = v
    for n in range(span):
        taps[n] = taps[n] / h0 if h0 != 0.0 else 0.0
    n_tail = int(flt[F_TAIL])
    if n_tail > 0 and span >= n_tail:
        rss = 0.0
        for n in range(n_tail - 1, span):
            rss += taps[n] * taps[n]
        rss = math.sqrt(rss)
        lim = flt[F_RSS]
        if rss != 0.0 and rss >= lim:
            for n in range(n_tail - 1, span):
                h = hp[n] / h0 if n < n_hp and h0 != 0.0 else 0.0
                b = abs(taps[n]) * lim / rss
                v = h
                if v > b:
                    v = b
                if v < -b:
                    v = -b
                taps[n] = v
    s = 0.0
    for n in range(span):
        h = hp[n] if n < n_hp else 0.0
        r = h - taps[n] * h0
        s += r * r - h * h
    return s


@kernel
def dfe_span(nb, flt):
    """Number of post-cursors the DFE acts on: N_f with floating taps (MATLAB sets ``ndfe =
    N_bmax`` then), else N_b."""
    if flt[F_NBG] > 0 and flt[F_NF] > nb:
        return int(flt[F_NF])
    return nb


@kernel
def lag_products(offs, tx, out):
    """out[t, d] = sum over ordered tap pairs (a, b) with |o_a - o_b| = d of c_a c_b.

    With it, sum_n h_n^2 = c^T R c = sum_d r(d) out[t, d] for an autocorrelation r.
    """
    na = offs.shape[0]
    for t in range(tx.shape[0]):
        for d in range(out.shape[1]):
            out[t, d] = 0.0
        for a in range(na):
            for b in range(na):
                d = offs[a] - offs[b]
                if d < 0:
                    d = -d
                out[t, d] += tx[t, a] * tx[t, b]


@kernel
def _dot(r, u):
    s = 0.0
    for d in range(u.shape[0]):
        s += r[d] * u[d]
    return s


@kernel
def _fom_from_terms(a_s, v_tx, v_isi, v_j, v_xt, v_n):
    den = v_tx + v_isi + v_j + v_xt + v_n
    if a_s <= 0.0 or den <= 0.0:
        return -np.inf
    return 10.0 * math.log10(a_s * a_s / den)


@kernel
def _phase_seq2(q, m, m_spui, n_ui, pp, zc, zd):
    """zc[n + pp] = q[m + nM]; zd[n + pp] = (q[m + nM + 1] - q[m + nM - 1]) M/2 (V/UI); zeros around."""
    for j in range(zc.shape[0]):
        zc[j] = 0.0
        zd[j] = 0.0
    half = 0.5 * m_spui
    for n in range(n_ui):
        i = m + n * m_spui
        zc[n + pp] = _sample(q, i)
        zd[n + pp] = (_sample(q, i + 1) - _sample(q, i - 1)) * half
    return


@kernel
def _fir(z, offs, c, pp, n_ui, out):
    """out[j + o_a] += c_a z[j] for j in [pp, pp + n_ui): the TX FFE at one sampling phase."""
    for a in range(offs.shape[0]):
        ca = c[a]
        if ca == 0.0:
            continue
        o = offs[a]
        for j in range(pp, pp + n_ui):
            out[j + o] += ca * z[j]


@kernel
def fom_direct(q, xt, xt_fext, offs, c, m_spui, bmin, bmax, flt, var_n, a_s_scale, var_x,
               snr_lin, jit2, mm_tol, out):
    """One FOM evaluation (93A-36) at fixed TX FFE ``c`` and one CTLE pulse ``q``.

    Parameters
    ----------
    q : (n_samp,) float64
        Victim pulse (V) without TX FFE, ``m_spui`` samples per UI.
    xt : (n_xt, n_samp) float64
        Aggressor pulses (V) without TX FFE (may have zero rows).
    xt_fext : (n_xt,) bool
        True: far-end aggressor (victim's TX FFE applied); False: near-end (none).
    offs : (n_taps,) int64
        TX FFE tap offsets (UI), one of them 0.
    c : (n_taps,) float64
        TX FFE taps.
    m_spui : int
        Samples per UI.
    bmin, bmax : (n_dfe,) float64
        DFE tap limits (93A-26).
    flt : (N_FLT,) float64
        Floating DFE taps and tail RSS limit (N_bg, N_bf, N_f, bmaxg, B_float_RSS_MAX,
        N_tail_start; N_bg = 0 and N_tail_start = 0: none), see :func:`dfe_taps`.
    var_n : float
        sigma_N^2 (V^2), 93A-35.
    a_s_scale : float
        R_LM / (L - 1).
    var_x : float
        sigma_X^2 (93A-29).
    snr_lin : float
        10^(-SNR_TX/10).
    jit2 : float
        A_DD^2 + sigma_RJ^2 (UI^2).
    mm_tol : float
        Sampling-point rule (see :func:`_cursor`): negative -> the IEEE MATLAB COM rule
        (``cursor_sample_index``); 0 -> minimum residual within one UI of the peak; positive
        -> residual (V) below which a candidate within one UI of the peak counts as exact.
    out : (N_TERMS,) float64
        FOM (dB), A_s, h0, sigma_TX^2, sigma_ISI^2, sigma_J^2, sigma_XT^2, sigma_N^2,
        cursor sample index (as float; -1 when no valid cursor).
    """
    n_samp = q.shape[0]
    buf = np.empty(2 * _WIN_UI * m_spui + 1)
    nb = bmax.shape[0]
    b0min = bmin[0] if nb > 0 else 0.0
    b0max = bmax[0] if nb > 0 else 0.0
    ipk = _argmax(q)
    o_max = _o_max(offs)
    w = _WIN_UI * m_spui
    qs = np.empty((offs.shape[0], 2 * w + 1))
    _tap_window(q, offs, m_spui, ipk - w, qs)
    ix = _cursor(qs, c, m_spui, b0min, b0max, nb > 0, mm_tol, buf)
    if ix >= 0:
        ix += ipk - w
    for t in range(N_TERMS):
        out[t] = 0.0
    out[T_IX] = ix
    if ix < 0:
        out[T_FOM] = -np.inf
        return
    m = ix % m_spui
    n0 = ix // m_spui
    n_ui = (n_samp + m_spui - 1) // m_spui
    pp = o_max + 2
    ln = n_ui + 2 * pp
    zc = np.empty(ln)
    zd = np.empty(ln)
    hs = np.zeros(ln)
    ds = np.zeros(ln)
    _phase_seq2(q, m, m_spui, n_ui, pp, zc, zd)
    _fir(zc, offs, c, pp, n_ui, hs)
    _fir(zd, offs, c, pp, n_ui, ds)
    j0 = n0 + pp
    h0 = hs[j0]
    s_isi = 0.0
    s_j = 0.0
    for j in range(ln):
        s_isi += hs[j] * hs[j]
        s_j += ds[j] * ds[j]
    s_isi -= h0 * h0
    span = dfe_span(nb, flt)
    hp = np.zeros(span)
    for k in range(span):
        if j0 + 1 + k < ln:
            hp[k] = hs[j0 + 1 + k]
    taps = np.empty(span)
    s_isi += dfe_taps(hp, span, h0, bmin, bmax, flt, taps)
    if s_isi < 0.0:
        s_isi = 0.0
    s_xt = 0.0
    one = np.zeros(offs.shape[0])
    for a in range(offs.shape[0]):
        if offs[a] == 0:
            one[a] = 1.0
    for g in range(xt.shape[0]):
        cc = c if xt_fext[g] else one
        best = 0.0
        for mm in range(m_spui):
            _phase_seq2(xt[g], mm, m_spui, n_ui, pp, zc, zd)
            for j in range(ln):
                hs[j] = 0.0
            _fir(zc, offs, cc, pp, n_ui, hs)
            e = 0.0
            for j in range(ln):
                e += hs[j] * hs[j]
            if e > best:
                best = e
        s_xt += best
    a_s = a_s_scale * h0
    v_tx = h0 * h0 * snr_lin
    v_isi = var_x * s_isi
    v_j = var_x * jit2 * s_j
    v_xt = var_x * s_xt
    out[T_AS] = a_s
    out[T_H0] = h0
    out[T_VTX] = v_tx
    out[T_VISI] = v_isi
    out[T_VJ] = v_j
    out[T_VXT] = v_xt
    out[T_VN] = var_n
    out[T_FOM] = _fom_from_terms(a_s, v_tx, v_isi, v_j, v_xt, var_n)


@kernel
def combine_pulses(basis, w, out):
    """out[s] = sum_b w[b] basis[b, s] (a CTLE setting as a combination of basis pulses)."""
    n_b = basis.shape[0]
    for s in range(basis.shape[1]):
        acc = 0.0
        for b in range(n_b):
            acc += w[b] * basis[b, s]
        out[s] = acc


@kernel
def _phase_rows(q, m_spui, n_ui, deriv, x):
    """x[n, m] = q[m + nM] or its slope (q[m + nM + 1] - q[m + nM - 1]) M/2 (V/UI), zero
    outside ``q``: the record as rows of one UI, each column one sampling phase."""
    for n in range(n_ui):
        for m in range(m_spui):
            i = m + n * m_spui
            if deriv:
                x[n, m] = (_sample(q, i + 1) - _sample(q, i - 1)) * (0.5 * m_spui)
            else:
                x[n, m] = _sample(q, i)


@kernel
def _lag_xcorr(xb, xc, d, acc, out):
    """out[m] = sum_n xb[n, m] xc[n + d, m] over the rows both hold, in four interleaved
    partial sums (n mod 4, each in increasing n, FMA chains) added as (s0 + s1) + (s2 + s3);
    all phases m at once (``acc`` (4, M) is scratch).  Rows past the end are zeros, whose
    products would add exact zeros."""
    n_m = xb.shape[1]
    n_end = min(xb.shape[0], xc.shape[0] - d)
    for i in range(4):
        for m in range(n_m):
            acc[i, m] = 0.0
    a0 = acc[0]
    a1 = acc[1]
    a2 = acc[2]
    a3 = acc[3]
    n = 0
    while n + 4 <= n_end:
        b0 = xb[n]
        b1 = xb[n + 1]
        b2 = xb[n + 2]
        b3 = xb[n + 3]
        c0 = xc[n + d]
        c1 = xc[n + 1 + d]
        c2 = xc[n + 2 + d]
        c3 = xc[n + 3 + d]
        for m in range(n_m):
            a0[m] = fma(b0[m], c0[m], a0[m])
            a1[m] = fma(b1[m], c1[m], a1[m])
            a2[m] = fma(b2[m], c2[m], a2[m])
            a3[m] = fma(b3[m], c3[m], a3[m])
        n += 4
    while n < n_end:
        ar = acc[n % 4]
        bn = xb[n]
        cn = xc[n + d]
        for m in range(n_m):
            ar[m] = fma(bn[m], cn[m], ar[m])
        n += 1
    for m in range(n_m):
        out[m] = (a0[m] + a1[m]) + (a2[m] + a3[m])


@kernel
def basis_xcorr(basis, deriv, lags, m_spui, out):
    """Per-phase cross-correlations of basis pulses, for every stream.

    ``out[s, b, c, m, d] = sum_n x_b[n] x_c[n + d]`` with ``x_b[n]`` the phase-``m`` samples
    (or slopes, when ``deriv[s]``) of ``basis[s, b]``, ``0 <= d < lags[s]`` (entries with
    larger ``d`` are left untouched: near-end aggressors need only ``d = 0``).  The
    autocorrelation of any combination ``sum_b w_b basis[s, b]`` is then
    ``sum_{b,c} w_b w_c out[s, b, c, m, d]`` (exact), so a CTLE setting costs
    ``n_basis^2`` multiply-adds per (phase, lag) instead of a pass over the pulse.
    Four interleaved partial sums in a fixed order, every phase in one pass
    (:func:`_lag_xcorr`).  Serial; streams are independent, so callers may run blocks of
    them (all arrays sliced along the stream axis) on threads, as
    :func:`sikernel.eq.grid.grid_search` does (a ``prange`` driver compiled about 1 s of
    CPU slower).
    """
    n_s = basis.shape[0]
    n_b = basis.shape[1]
    n_samp = basis.shape[2]
    n_ui = (n_samp + m_spui - 1) // m_spui
    for sb in range(n_s * n_b):
        s = sb // n_b
        b = sb % n_b
        xb = np.empty((n_ui, m_spui))
        xc = np.empty((n_ui, m_spui))
        acc = np.empty((4, m_spui))
        res = np.empty(m_spui)
        _phase_rows(basis[s, b], m_spui, n_ui, deriv[s], xb)
        for c in range(n_b):
            _phase_rows(basis[s, c], m_spui, n_ui, deriv[s], xc)
            for d in range(lags[s]):
                _lag_xcorr(xb, xc, d, acc, res)
                for m in range(m_spui):
                    out[s, b, c, m, d] = res[m]


@kernel
def _combine_xcorr(xc, w, n_d, out):
    """out[d, m] = sum_{b,c} w_b w_c xc[b, c, m, d], d < n_d (autocorrelation of a CTLE combination)."""
    n_b = xc.shape[0]
    for d in range(n_d):
        for m in range(out.shape[1]):
            acc = 0.0
            for b in range(n_b):
                for c in range(n_b):
                    acc += w[b] * w[c] * xc[b, c, m, d]
            out[d, m] = acc


@kernel
def fom_grid(basis_v, xcorr, xt_fext, ctle_w, var_n, offs, tx, m_spui, bmin, bmax, flt,
             a_s_scale, var_x, snr_lin, jit2, mm_tol, prune, ls, n_g, tx_idx, sweep, st_i, st_f,
             best_idx, out_fom, out_ix, out_exact, out_terms):
    """FOM (93A-36) of every TX FFE x CTLE setting (rows: CTLE settings).

    Serial: the rows are independent, so :func:`sikernel.eq.grid.grid_search` runs blocks of
    them (``ctle_w``, ``var_n`` and the outputs sliced by row) on Python threads (kernels
    release the GIL).  Compiled as a ``prange`` driver this kernel took about 40 % more
    compile time (9.7 s against 5.8 s of CPU, measured on the shared 2-core machine) for
    the same parallel speed.

    Parameters
    ----------
    basis_v : (n_basis, n_samp) float64
        Victim basis pulses; CTLE setting ``k`` has pulse ``ctle_w[k] @ basis_v``
        (the CTLE of 93A-22/178A-14 is bilinear in its two linear DC gains).
    xcorr : (2 + n_xt, n_basis, n_basis, M, n_lag) float64
        :func:`basis_xcorr` of the streams: victim samples, victim slopes, each aggressor.
    xt_fext : (n_xt,) bool
        Far-end (victim TX FFE applied) or near-end (no TX FFE) aggressor.
    ctle_w : (n_ctle, n_basis) float64
        Basis weights of each CTLE setting.
    var_n : (n_ctle,) float64
        sigma_N^2 of each CTLE setting (V^2).
    offs : (n_taps,) int64
        TX FFE tap offsets (UI).
    tx : (n_tx, n_taps) float64
        TX FFE settings.
    m_spui, bmin, bmax, flt, a_s_scale, var_x, snr_lin, jit2, mm_tol
        As in :func:`fom_direct`.
    out_fom : (n_ctle, n_tx) float64
        FOM in dB (-inf where no valid cursor).
    out_ix : (n_ctle, n_tx) int64
        Cursor sample index of each setting.
    prune : bool
        With floating DFE taps or a tail limit (``flt``): skip their evaluation (bank search,
        clipping) where an upper bound of the FOM -- the post-cursors after the N_b fixed taps
        all cancelled -- cannot beat the best exact FOM found so far at the same CTLE
        setting; ``out_fom`` then holds that bound and ``out_exact`` False.  The bound is
        tried first with each far-end aggressor at the phase that was its worst at the last
        point evaluated in full (a lower bound of its worst-phase energy, so a looser FOM
        bound), and with the exact crosstalk only where that does not prune.  The maximum of
        the grid is unchanged (every point that could be it is exact); a caller that needs
        other points exactly evaluates them with ``prune=False`` (see
        :func:`sikernel.eq.grid.grid_search`).  Without floating taps every point is exact.
        The bound needs the sampling point, so every point pays the cursor search.  A bound
        without it (h0 at most the per-tap block maxima of p over every sample the search can
        pick, ISI >= 0 or only the energy past the DFE span at the latest candidate, jitter
        at its smallest phase) was tried: on DPO_4in it lies 18-30 dB above the exact FOM
        (median) and rules out 0-1 % of the points even against the row's maximum, because
        most points are poor through the sampling point the MM rule picks (h0 far below the
        peak), which such a bound cannot see.
    ls : int
        0: every row, every TX setting (the grid).  > 0: the IEEE code's ``Local Search``
        with ``ls`` steps (:func:`local_search_pick`, whose rule and state this is), run while
        the FOMs are computed: rows in the reference code's loop order (g_DC outer, g_DC2
        inner: row ``k = i_g2 n_g + i_g``), a point that the rule skips is not evaluated
        (``out_fom`` NaN, ``out_exact`` False, ``out_ix`` -1), a row whose g_DC2 index is
        skipped costs nothing, and the pruning compares with the search's best so far (a
        point whose bound does not beat it cannot become the best, as a full evaluation
        would show).  Every point it evaluates gets the grid's arithmetic, so the pick is the
        one :func:`local_search_pick` makes on the full grid (tested).  Serial by nature
        (every skip depends on the best so far): call it once with all rows.
    n_g : int
        Number of g_DC settings (``ls > 0``).
    tx_idx, sweep : (n_tx, n_cols) int64, (n_sweep,) int64
        As :func:`local_search_pick` (``ls > 0``; any arrays of these types otherwise).
    st_i, st_f, best_idx : int64 (3,), float64 (1,), int64 (n_cols,)
        Search state as :func:`local_search_pick` (start [0, -1, 0], [-inf]); on return
        ``st_i[1]`` is the pick's flat index ``k n_tx + t`` (-1: none), ``st_f[0]`` its FOM,
        ``st_i[0]`` the number of points evaluated.  Untouched when ``ls == 0``.
    out_exact : (n_ctle, n_tx) bool
        True where ``out_fom`` is the exact FOM.
    out_terms : (n_ctle, n_tx, N_TERMS) or (0, 0, N_TERMS) float64
        When not empty: for every exactly evaluated point, at the slots of :func:`fom_direct`'s
        terms, the FOM (dB), h0, the sums behind sigma_ISI^2, sigma_J^2 and sigma_XT^2 (before
        the factors sigma_X^2, A_DD^2 + sigma_RJ^2), sigma_N^2 and the cursor index; A_s and
        sigma_TX^2 slots 0.  :meth:`sikernel.eq.grid.GridResult.fom_terms` forms the terms.
    """
    n_ctle = ctle_w.shape[0]
    want_terms = out_terms.shape[0] > 0
    n_tx = tx.shape[0]
    n_samp = basis_v.shape[1]
    n_xt = xcorr.shape[0] - 2
    n_lag = xcorr.shape[4]
    n_taps = offs.shape[0]
    nb = bmax.shape[0]
    b0min = bmin[0] if nb > 0 else 0.0
    b0max = bmax[0] if nb > 0 else 0.0
    span = dfe_span(nb, flt)
    floating = span > nb or (flt[F_TAIL] > 0.0 and span >= flt[F_TAIL])
    w = _WIN_UI * m_spui
    n_w = 2 * w + 1
    # post-cursors 1 .. span of a cursor anywhere in the window, per phase
    n_u = n_w // m_spui + span + 2
    lag_u = np.empty((n_tx, n_lag))
    lag_products(offs, tx, lag_u)
    n_fext = 0
    for g in range(n_xt):
        if xt_fext[g]:
            n_fext += 1
    n_g2 = n_ctle // n_g if ls > 0 else 1
    n_seen = 0
    for kk in range(n_ctle):
        k = kk
        ih = 0
        if ls > 0:
            ig = kk // n_g2
            ih = kk % n_g2
            k = ih * n_g + ig
            if st_i[1] >= 0 and ig > 0 and abs(ih - st_i[2]) > ls:
                for t in range(n_tx):  # the whole row is skipped (its g_DC2 index)
                    out_fom[k, t] = np.nan
                    out_ix[k, t] = -1
                    out_exact[k, t] = False
                continue
        q = np.empty(n_samp)
        combine_pulses(basis_v, ctle_w[k], q)
        ipk = _argmax(q)
        base = ipk - w
        qs = np.empty((n_taps, n_w))
        _tap_window(q, offs, m_spui, base, qs)
        zs = np.empty((m_spui, n_taps, n_u))
        _tap_phases(q, offs, m_spui, base, zs)
        r_v = np.empty((n_lag, m_spui))
        r_d = np.empty((n_lag, m_spui))
        _combine_xcorr(xcorr[0], ctle_w[k], n_lag, r_v)
        _combine_xcorr(xcorr[1], ctle_w[k], n_lag, r_d)
        # aggressors: far-end -> per-phase autocorrelation; near-end -> a constant
        r_x = np.empty((n_fext, n_lag, m_spui))
        r_tmp = np.empty((n_lag, m_spui))
        s_next = 0.0
        gf = 0
        for g in range(n_xt):
            if xt_fext[g]:
                _combine_xcorr(xcorr[2 + g], ctle_w[k], n_lag, r_x[gf])
                gf += 1
            else:
                # lag 0 only; min(n_lag, 1) (= 1) rather than a literal 1, which Numba would
                # compile as a second specialisation (Literal[int](1)) of _combine_xcorr
                _combine_xcorr(xcorr[2 + g], ctle_w[k], min(n_lag, 1), r_tmp)
                best = 0.0
                for mm in range(m_spui):
                    if r_tmp[0, mm] > best:
                        best = r_tmp[0, mm]
                s_next += best
        # worst phase of each far-end aggressor, first without TX FFE (zero-lag energy)
        ph_x = np.zeros(n_fext, dtype=np.int64)
        for g in range(n_fext):
            for mm in range(m_spui):
                if r_x[g, 0, mm] > r_x[g, 0, ph_x[g]]:
                    ph_x[g] = mm
        buf = np.empty(n_w)
        v_ph = np.empty(m_spui)
        hp = np.empty(span)
        hb = np.empty(n_u)
        taps = np.empty(span)
        vn = var_n[k]
        best_k = st_f[0] if ls > 0 else -np.inf
        for t in range(n_tx):
            if ls > 0 and st_i[1] >= 0:
                if _ls_tap_skip(tx_idx, t, sweep, best_idx, ih, ls):
                    out_fom[k, t] = np.nan
                    out_ix[k, t] = -1
                    out_exact[k, t] = False
                    continue
            n_seen += 1
            c = tx[t]
            jx = _cursor(qs, c, m_spui, b0min, b0max, nb > 0, mm_tol, buf)
            out_exact[k, t] = True
            if jx < 0:
                out_ix[k, t] = -1
                out_fom[k, t] = -np.inf
                if want_terms:
                    for j in range(N_TERMS):
                        out_terms[k, t, j] = 0.0
                    out_terms[k, t, T_FOM] = -np.inf
                    out_terms[k, t, T_IX] = -1.0
                continue
            ix = base + jx
            out_ix[k, t] = ix
            m = ix % m_spui
            h0 = buf[jx]  # = p(ix)
            u = lag_u[t]
            s_v = 0.0
            s_j = 0.0
            for d in range(n_lag):
                s_v += r_v[d, m] * u[d]
                s_j += r_d[d, m] * u[d]
            a_s = a_s_scale * h0
            # post-cursors 1 .. span: phase jx % M, symbols from jx // M + 1
            u0 = jx // m_spui + 1
            _fill(zs[jx % m_spui], c, u0, u0 + span, hb)
            for n in range(span):
                hp[n] = hb[u0 + n]
            exact_xt = False
            if prune and floating:
                # upper bound: fixed taps exact, every later post-cursor of the span cancelled
                # (the dropped post-cursors' squares in four interleaved sums: a bound, so
                # its rounding need not match any other sum; the chain of one sum was the
                # slowest part of the bound)
                s_ub = s_v - h0 * h0
                for n in range(nb):
                    s_ub += _dfe_correction(hp[n], h0, bmin[n], bmax[n])
                e0 = 0.0
                e1 = 0.0
                e2 = 0.0
                e3 = 0.0
                tail = hp[nb:span]
                n = 0
                while n + 4 <= tail.shape[0]:
                    e0 += tail[n] * tail[n]
                    e1 += tail[n + 1] * tail[n + 1]
                    e2 += tail[n + 2] * tail[n + 2]
                    e3 += tail[n + 3] * tail[n + 3]
                    n += 4
                while n < tail.shape[0]:
                    e0 += tail[n] * tail[n]
                    n += 1
                s_ub -= (e0 + e1) + (e2 + e3)
                if s_ub < 0.0:
                    s_ub = 0.0
                # crosstalk first at a lower bound (each far-end aggressor at the phase that
                # was its worst at the last point evaluated in full): a looser FOM bound, exact
                # crosstalk only where that one does not prune
                s_xt = s_next
                for g in range(n_fext):
                    e = _phase_energy(r_x[g], u, ph_x[g])
                    if e > 0.0:
                        s_xt += e
                f_ub = _fom_from_terms(a_s, h0 * h0 * snr_lin, var_x * s_ub, var_x * jit2 * s_j,
                                       var_x * s_xt, vn)
                if f_ub <= best_k:
                    out_fom[k, t] = f_ub
                    out_exact[k, t] = False
                    continue
                s_xt = _far_xt(r_x, u, v_ph, ph_x, s_next)
                exact_xt = True
                f_ub = _fom_from_terms(a_s, h0 * h0 * snr_lin, var_x * s_ub, var_x * jit2 * s_j,
                                       var_x * s_xt, vn)
                if f_ub <= best_k:
                    out_fom[k, t] = f_ub
                    out_exact[k, t] = False
                    continue
            if not exact_xt:
                s_xt = _far_xt(r_x, u, v_ph, ph_x, s_next)
            if floating:
                s_dfe = dfe_taps(hp, span, h0, bmin, bmax, flt, taps)
            else:
                s_dfe = 0.0
                for n in range(nb):
                    s_dfe += _dfe_correction(hp[n], h0, bmin[n], bmax[n])
            s_isi = s_v - h0 * h0 + s_dfe
            if s_isi < 0.0:
                s_isi = 0.0
            f = _fom_from_terms(a_s, h0 * h0 * snr_lin, var_x * s_isi, var_x * jit2 * s_j,
                                var_x * s_xt, vn)
            out_fom[k, t] = f
            if want_terms:
                # the sums, not the variances: a second use of a product the FOM adds would
                # keep LLVM from fusing that multiply-add, and move the FOM by an ulp
                tr = out_terms[k, t]
                tr[T_FOM] = f
                tr[T_AS] = 0.0
                tr[T_H0] = h0
                tr[T_VTX] = 0.0
                tr[T_VISI] = s_isi
                tr[T_VJ] = s_j
                tr[T_VXT] = s_xt
                tr[T_VN] = vn
                tr[T_IX] = ix
            if f > best_k:
                best_k = f
                if ls > 0:
                    st_f[0] = f
                    st_i[1] = k * n_tx + t
                    st_i[2] = ih
                    for j in range(tx_idx.shape[1]):
                        best_idx[j] = tx_idx[t, j]
    if ls > 0:
        st_i[0] = n_seen


@kernel
def _worst_phase_energy(r, u, v):
    """max(0, max_m sum_d r[d, m] u[d]): a far-end aggressor's energy at its worst phase
    (93A-33/34) from its per-phase autocorrelation ``r`` (n_lag, M) and the TX FFE lag
    products ``u``; ``v`` (M,) receives the per-phase sums.  Each phase's sum is the FMA
    chain over d in order (as :func:`_phase_energy`); the maximum is taken in four
    interleaved runs (the same value)."""
    n_m = r.shape[1]
    for mm in range(n_m):
        v[mm] = 0.0
    for d in range(r.shape[0]):
        ud = u[d]
        rd = r[d]
        for mm in range(n_m):
            v[mm] = fma(rd[mm], ud, v[mm])
    b0 = 0.0
    b1 = 0.0
    b2 = 0.0
    b3 = 0.0
    mm = 0
    while mm + 4 <= n_m:
        if v[mm] > b0:
            b0 = v[mm]
        if v[mm + 1] > b1:
            b1 = v[mm + 1]
        if v[mm + 2] > b2:
            b2 = v[mm + 2]
        if v[mm + 3] > b3:
            b3 = v[mm + 3]
        mm += 4
    while mm < n_m:
        if v[mm] > b0:
            b0 = v[mm]
        mm += 1
    if b1 > b0:
        b0 = b1
    if b3 > b2:
        b2 = b3
    if b2 > b0:
        b0 = b2
    return b0


@kernel
def _phase_energy(r, u, mm):
    """sum_d r[d, mm] u[d] (FMA chain over d in order): one phase's value of
    :func:`_worst_phase_energy`, hence a lower bound of it when positive."""
    s = 0.0
    for d in range(r.shape[0]):
        s = fma(r[d, mm], u[d], s)
    return s


@kernel
def _far_xt(r_x, u, v, ph_x, s_next):
    """``s_next`` plus every far-end aggressor's energy at its worst phase
    (:func:`_worst_phase_energy`, added in aggressor order); ``ph_x[g]`` receives aggressor
    g's worst phase (the first phase holding its maximum; unchanged when no phase is
    positive)."""
    s_xt = s_next
    for g in range(r_x.shape[0]):
        e = _worst_phase_energy(r_x[g], u, v)
        s_xt += e
        if e > 0.0:
            for mm in range(v.shape[0]):
                if v[mm] == e:
                    ph_x[g] = mm
                    break
    return s_xt


@kernel
def _ls_tap_skip(tx_idx, t, sweep, best_idx, ih, ls):
    """The Local Search's TX-tap rule (``optimize_fom``'s "Modular LOCAL_SEARCH block"): TX
    setting ``t`` is skipped when a swept tap column ``kv`` whose enclosing loop variable (the
    g_DC2 index ``ih`` for the first column, the previous column's index otherwise) is past its
    first value lies more than ``ls`` steps from the best point's index ``best_idx[kv]``."""
    for q in range(sweep.shape[0]):
        kv = sweep[q]
        prev = ih if kv == 0 else tx_idx[t, kv - 1]
        if prev > 0 and abs(tx_idx[t, kv] - best_idx[kv]) > ls:
            return True
    return False


@kernel
def local_search_pick(fom, exact, n_g, n_g2, tx_idx, sweep, ls, st_i, st_f, best_idx):
    """Replay of the IEEE COM code's ``Local Search`` on the FOM grid; resumable.

    The "Modular LOCAL_SEARCH block" of ``optimize_fom`` (``com_ieee8023_93a_450.m``, Adee Ran
    2020): loops g_DC (outer, ``ctle_index``), g_DC2 (``g_LP_index``), TX FFE settings in
    grid order; once a best point exists, a point is skipped when, for a swept TX tap ``kv``
    (``sweep``: tap columns with more than one value) whose enclosing loop variable -- the
    g_DC2 index for the first tap, the previous tap's index otherwise -- is past its first
    value, ``|idx_kv - best_idx_kv| > ls``; or, past the first g_DC, when
    ``|g_DC2 index - best g_DC2 index| > ls``.  A point that is not skipped becomes the best
    when its FOM is strictly larger (MATLAB ``FOM > best_FOM``).

    ``fom[k, t]`` with ``k = i_g2 n_g + i_g`` (sikernel's CTLE order, g_DC fastest);
    ``tx_idx[t, j]`` is the 0-based value index of TX tap column ``j`` (taps in MATLAB's
    order, ascending offset).  ``exact[k, t]`` False marks an upper bound (pruned grid,
    :func:`fom_grid`): when the replay needs such a point (bound above the best so far) it
    returns its flat index ``k n_tx + t``; the caller stores the exact FOM, sets ``exact``
    and calls again, which resumes there.  State: ``st_i`` = [next position, best flat index
    (-1 none), best g_DC2 index] (start with [0, -1, 0]), ``st_f`` = [best FOM] (start
    -inf), ``best_idx`` the best point's tap indices.  Returns -1 when done; the answer is
    then ``st_i[1]``.
    """
    n_tx = fom.shape[1]
    n_all = n_g * n_g2 * n_tx
    pos = st_i[0]
    while pos < n_all:
        ig = pos // (n_g2 * n_tx)
        ih = (pos // n_tx) % n_g2
        t = pos % n_tx
        k = ih * n_g + ig
        if ls > 0 and st_i[1] >= 0:
            skip = _ls_tap_skip(tx_idx, t, sweep, best_idx, ih, ls)
            if not skip and ig > 0 and abs(ih - st_i[2]) > ls:
                skip = True
            if skip:
                pos += 1
                continue
        f = fom[k, t]
        if f > st_f[0]:
            if not exact[k, t]:
                st_i[0] = pos
                return k * n_tx + t
            st_f[0] = f
            st_i[1] = k * n_tx + t
            st_i[2] = ih
            for j in range(tx_idx.shape[1]):
                best_idx[j] = tx_idx[t, j]
        pos += 1
    st_i[0] = pos
    return -1


__all__ = ["N_FLT", "N_TERMS", "basis_xcorr", "combine_pulses", "dfe_span", "dfe_taps", "findbankloc",
           "fom_direct", "fom_grid", "local_search_pick"]

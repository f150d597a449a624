"""The README's 20-line example: a 10-inch Megtron 7 link, its loss, COM, eye and energy."""

import numpy as np

import sikernel as sk

f_hz = np.arange(0.0, 60e9 + 1.0, 10e6)  # uniform grid from DC, 10 MHz steps
line = sk.Stripline("megtron7", width=150e-6, thickness=17e-6, height=150e-6,
                    spacing=150e-6, roughness="hvlp")            # metres
print(f"stripline loss at 26.56 GHz: {line.loss_db(26.5625e9, 0.0254):.2f} dB/in")

link = sk.Link([(line, 0.254)], tx_package="802.3ck", rx_package="802.3ck")
ch = link.build(f_hz)                                             # a Channel (SDD 2-port)
print(f"IL at Nyquist: {float(sk.il_at_nyquist(ch, 53.125e9)):.1f} dB")

res = sk.com(ch, preset="802.3ck-kr")                            # IEEE 802.3 Annex 93A
print(f"COM {res.com_db:.2f} dB, TX FFE {np.round(res.tx_taps, 2)}, CTLE gDC {res.ctle_gdc_db} dB")

pulse = sk.pulse_response(ch, 53.125e9, samples_per_ui=32, modulation="pam4")
eye = sk.stat_eye(pulse, n_dfe=12, sigma_v=1e-3, target_ber=1e-6)
print(f"stat eye (12-tap DFE), worst eye: {eye.eye_height_min_v * 1e3:.1f} mV x "
      f"{eye.eye_width_min_ui:.2f} UI")

e = sk.energy_per_bit(channel=ch, baud=53.125e9, node_nm=5, target_ber=1e-6)
print(f"{e.architecture}: {e.total_pj_per_bit:.2f} pJ/bit", {k: round(v, 3) for k, v in e.blocks.items()})

#!/bin/bash
# Regenerates erl_ref_450.json, erl_ref_450_variants.json and erl_ref_450_txpkg.json (run from the
# repository root; needs octave octave-io octave-signal and com_ieee8023_93a_450.m from the public
# mirror github.com/Omer-Sella/COM, sourceFiles/, unedited, as $COM_SRC).  About 3 minutes.
set -euo pipefail
COM_SRC=${COM_SRC:-com_ieee8023_93a_450.m}
C=${SIKERNEL_CHANNELS:-../shared/channels}/ieee-802.3ck
S=../shared/reference/ieee-com-config
R=tests/data/octave/run_erl.sh
CH="DPO_4in_Meg7_THRU DPO_12in_Meg7_THRU CA_19p75dB_thru C2C_PCB_SYSVIA_12dB_thru Tp0_Tp5_28p5db_FQSFP_thru"
sheet() { echo "$S/config_com_ieee8023_93a=3ck_SA_$1.xlsx"; }

args=()
for sh in 120G_ERL_HOST_10_26_2022 120G_ERL_MODULE_10_26_2022 KR_08_17_2022 CR_CA_08_17_2022 120F_C2C_08_17_2022; do
  for ch in $CH; do
    args+=("$(sheet $sh)" "$C/$ch.s4p")
    case $sh in KR*|CR*|120F*) args+=(--set OP.ERL_ONLY=1);; esac
    args+=(--)
  done
done
K=$(sheet KR_08_17_2022)
args+=("$K" "$C/DPO_4in_Meg7_THRU.s4p" --set OP.ERL_ONLY=1 param.beta_x=1.7 --)
args+=("$K" "$C/CA_19p75dB_thru.s4p" --set OP.ERL_ONLY=1 param.Z_t=45 --)
args+=("$K" "$C/DPO_12in_Meg7_THRU.s4p" --set OP.ERL_ONLY=1 OP.RL_norm_test=0)
$R "$COM_SRC" tests/data/erl/erl_ref_450.json "${args[@]}"

$R "$COM_SRC" tests/data/erl/erl_ref_450_variants.json \
  "$K" "$C/DPO_4in_Meg7_THRU.s4p" --set OP.ERL_ONLY=1 param.beta_x=3e9 -- \
  "$K" "$C/CA_19p75dB_thru.s4p" --set OP.ERL_ONLY=1 param.Grr=2 -- \
  "$K" "$C/Tp0_Tp5_28p5db_FQSFP_thru.s4p" --set OP.ERL_ONLY=1 param.Grr=0 "param.tfx=[0.1e-9,0.25e-9]"

args=()
for sh in 120g_C2M_tp1a_08_17_2022 TP0V_08_17_2022; do
  for ch in $CH; do args+=("$(sheet $sh)" "$C/$ch.s4p" --set OP.ERL_ONLY=1 --); done
done
unset 'args[${#args[@]}-1]'
$R "$COM_SRC" tests/data/erl/erl_ref_450_txpkg.json "${args[@]}"

# one-port (.s2p) files written from the channels (TX-end or RX-end pair), then the sheets on them
T=$(mktemp -d)
python tests/data/erl/make_s2p.py "$C/DPO_4in_Meg7_THRU.s4p" "$T/DPO_4in_tx.s2p" tx
python tests/data/erl/make_s2p.py "$C/CA_19p75dB_thru.s4p" "$T/CA_19p75dB_rx.s2p" rx
python tests/data/erl/make_s2p.py "$C/C2C_PCB_SYSVIA_12dB_thru.s4p" "$T/C2C_rx.s2p" rx
args=()
for sh in 120G_ERL_HOST_10_26_2022 120G_ERL_MODULE_10_26_2022 KR_08_17_2022; do
  for fn in DPO_4in_tx CA_19p75dB_rx C2C_rx; do
    args+=("$(sheet $sh)" "$T/$fn.s2p"); case $sh in KR*) args+=(--set OP.ERL_ONLY=1);; esac; args+=(--)
  done
done
unset 'args[${#args[@]}-1]'
$R "$COM_SRC" tests/data/erl/erl_ref_450_s2p.json "${args[@]}"
H=$(sheet 120G_ERL_HOST_10_26_2022)
$R "$COM_SRC" tests/data/erl/erl_ref_450_s2p_zt.json "$H" "$T/DPO_4in_tx.s2p" --set param.Z_t=45 -- \
  "$H" "$T/CA_19p75dB_rx.s2p" --set param.Z_t=56

D=$S/config_com_ieee8023_93a=df_200G_PAM4_RCos
$R "$COM_SRC" tests/data/erl/erl_ref_450_df200g.json \
  "${D}_C2C_11_2022.xlsx" "$C/DPO_4in_Meg7_THRU.s4p" --set OP.ERL_ONLY=1 -- \
  "${D}_CAKR_11_2022.xlsx" "$C/C2C_PCB_SYSVIA_12dB_thru.s4p" --set OP.ERL_ONLY=1 -- \
  "${D}_CAKR_11_2022.xlsx" "$C/CA_19p75dB_thru.s4p" --set OP.ERL_ONLY=1

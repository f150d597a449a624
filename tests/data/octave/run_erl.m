function run_erl (ver, jobs, outjson)
% Reference ERL (IEEE 802.3 Annex 93A.5 / 162A) from the IEEE COM MATLAB code under GNU Octave.
% Adapted from ../shared/tools/ieee-com-octave/run_one.m (which needs COM_dB): ERL-only runs
% return no COM, so this writer records ERL, ERL11 (TX port) and ERL22 (RX port) per job.
%   ver  : '450' (com_ieee8023_93a_<ver>.m on the path, unedited)
%   jobs : cell array of {sheet, thru, overrides_cellstr}
  save_default_options ('-v7');
  comfun = ['com_ieee8023_93a_' ver];
  res = {};
  for j = 1:numel (jobs)
    sheet = jobs{j}{1}; thru = jobs{j}{2}; ov = jobs{j}{3};
    args = [{sheet, 0, 0, thru}, {'OP.DISPLAY_WINDOW', '0'}, ov(:).'];
    t0 = tic;
    r = feval (comfun, args{:});
    rt = toc (t0);
    if ~iscell (r), r = {r}; end
    oa = r{1};
    c = struct ();
    c.sheet = sheet;
    c.channel_file = thru;
    c.overrides = [{'OP.DISPLAY_WINDOW', '0'}, ov(:).'];
    c.erl_db = double (oa.ERL);
    c.erl11_db = double (oa.ERL11);
    c.erl22_db = double (oa.ERL22);
    if isfield (oa, 'Z11est'), c.z11_est_ohm = double (oa.Z11est); end
    if isfield (oa, 'Z22est'), c.z22_est_ohm = double (oa.Z22est); end
    c.com_version = oa.code_revision;
    c.runtime_s = rt;
    res{end+1} = c;
    printf ('ERLREF_DONE %s %s ERL=%.4f (%.4f, %.4f) dB runtime=%.1f s\n', sheet, thru, ...
            c.erl_db, c.erl11_db, c.erl22_db, rt);
  end
  out.com_source = [comfun '.m'];
  out.octave_version = OCTAVE_VERSION;
  out.results = res;
  fid = fopen (outjson, 'w');
  fputs (fid, jsonencode (out));
  fclose (fid);
end

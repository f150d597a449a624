function y = ifft (x, varargin)
% SHIM (comref): MATLAB ifft output semantics.
%
% MATLAB's ifft tests whether the vectors along the transform dimension are
% exactly conjugate symmetric (X(1) real, X(k) == conj(X(N-k+2))); if they are,
% the result is real.  With the flag 'symmetric' it treats X as conjugate
% symmetric (only the first half is used) and returns a real result;
% 'nonsymmetric' is the default.  Octave's builtin returns a complex result
% with ~1e-25 imaginary parts for such input and does not accept the flag.
% COM 4.x needs the MATLAB behaviour in its 178A MMSE (function MMSE:
% Rn = ifft(S_n), S_n built conjugate symmetric): with a complex Rn the RX FFE
% taps come out complex, and min/max (which compare complex numbers by
% magnitude) then clip every RX FFE tap to +/- ffe_tapn_max (the search fails).
  sym = false;
  args = varargin;
  if ~isempty (args) && ischar (args{end})
    switch lower (args{end})
      case 'symmetric', sym = true;
      case 'nonsymmetric'
      otherwise, error ('ifft: unknown flag %s', args{end});
    end
    args = args(1:end-1);
  end
  if numel (args) >= 2 && ~isempty (args{2})
    dim = args{2};
  else
    dim = find (size (x) ~= 1, 1);
    if isempty (dim), dim = 1; end
  end
  n = size (x, dim);
  if numel (args) >= 1 && ~isempty (args{1})
    n = args{1};
  end
  % the input as transformed (padded with zeros or truncated to n along dim)
  perm = [dim, setdiff(1:max (ndims (x), dim), dim)];
  xp = permute (x, perm);
  sz = size (xp);
  xp = reshape (xp, sz(1), []);
  if n > sz(1)
    xp = [xp; zeros(n - sz(1), size (xp, 2))];
  else
    xp = xp(1:n, :);
  end
  if sym
    h = 2:ceil (n / 2);
    xs = xp;
    xs(1, :) = real (xp(1, :));
    xs(n - h + 2, :) = conj (xp(h, :));
    if mod (n, 2) == 0, xs(n / 2 + 1, :) = real (xp(n / 2 + 1, :)); end
    y = real (builtin ('ifft', xs, [], 1));
  else
    y = builtin ('ifft', xp, [], 1);
    if ~isreal (y) && isequal (xp, conj (xp([1, n:-1:2], :)))
      y = real (y);
    end
  end
  sz(1) = n;
  y = ipermute (reshape (y, sz), perm);
end

#pragma once
// Go's number formats, reproduced byte for byte (pure). See fortio-behaviour.md section 2.6.
#include <string>

namespace loadgen {

// Go's fmt "%g" with no precision: the shortest round-trip digits (std::to_chars shortest), in
// scientific form when the decimal exponent is < -4 or >= 6 (exponent with sign and at least two
// digits: "1e+06", "3.4962e-05"), plain otherwise ("123456", "0.0001", "6.666666666666667").
// Non-finite values as Go prints them: "NaN", "+Inf", "-Inf".
std::string go_g(double v);

// Go's "%.<precision>g": identical to C printf("%.*g") (trailing zeros removed, "e-05" exponent),
// except non-finite values (as go_g).
std::string go_g_prec(double v, int precision);

// Go's "%.<precision>f": identical to C printf("%.*f"), except non-finite values (as go_g).
std::string go_f(double v, int precision);

// Go's encoding/json form of a float64: shortest round-trip digits, plain notation unless
// |v| < 1e-6 or >= 1e21 (then "1e-7", "1.5e+21": Go trims a leading zero in negative exponents),
// integral values without a decimal point ("100"), 0 as "0". Go refuses NaN and infinities; this
// returns "null" for them so the document stays valid.
std::string go_json_number(double v);

}  // namespace loadgen

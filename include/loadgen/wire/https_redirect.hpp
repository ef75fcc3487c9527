#pragma once
// Fortio's -redirect-port answer (pure): every request gets 303 See Other to the same URL on
// https, byte for byte as Fortio 1.65 (Go's http.Redirect behind RedirectToHTTPSHandler) sends it.
#include <optional>
#include <string>
#include <string_view>

namespace loadgen {

// The Location for a request with this Host header value and request target: "https://" + host +
// the target as Go's URL.String() writes it: the path kept as sent when it is validly
// percent-encoded (Go's validEncoded), otherwise decoded and re-escaped (so "/a<b" becomes
// "/a%3Cb", "/a#f" "/a%23f"); the query kept verbatim. An absolute-form target
// ("http://h:5/x") names the host itself and is appended whole, as Go does. nullopt when the path
// has a bad percent escape ("/%zz"): Go answers that request 400 Bad Request.
std::optional<std::string> https_redirect_location(std::string_view host, std::string_view target);

// Appends the whole 303 response as Go writes it: "HTTP/1.x 303 See Other" (the request's
// version, 10 or 11), Content-Type "text/html; charset=utf-8" (GET and HEAD only), Location, Date,
// Content-Length (not for HEAD), then "Connection: close" when an HTTP/1.1 connection ends or
// "Connection: keep-alive" when an HTTP/1.0 one stays, then for GET the body
// `<a href="LOCATION">See Other</a>.` + "\n\n" with LOCATION HTML-escaped (& < > " ').
void append_https_redirect(std::string& out, std::string_view method, std::string_view location,
                           std::string_view date, bool keep_alive, int version = 11);

// Go's answer to a request it will not serve: "400 Bad Request" (": why" after it when given) in
// the status line and as the text/plain body, connection closed. why: "missing required Host
// header" for an HTTP/1.1 request without one.
void append_go_bad_request(std::string& out, std::string_view why = {});

}  // namespace loadgen

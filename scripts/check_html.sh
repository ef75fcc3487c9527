#!/bin/sh
# Opens an HTML report in headless Chromium and checks that it renders cleanly.
#
#   scripts/check_html.sh FILE.html [SCREENSHOT.png]
#
# Fails (exit 1, one line saying why) when
#   - the page logged anything to the console, an uncaught exception included. Chromium writes
#     every console message to its log as "INFO:CONSOLE..." whatever its level (log, warn and
#     error all look alike there), so any console line fails the check: the report has no
#     script, so a console line can only be a problem the browser reports (a script error, a
#     blocked or failed load);
#   - the rendered DOM refers to the network (a src or href to http(s):// or //, a CSS url()
#     there, an @import): the report must open offline;
#   - the rendered DOM has no <svg class="chart">, or a chart without a <path> whose d attribute
#     is non-empty (the data the chart should draw).
# Prints "check_html: N charts rendered, no console error" on success. With a second argument it
# also writes a screenshot of the top of the page there (1280x2400, or SCREENSHOT_SIZE=W,H).
# Exit 77 (skip) when Chromium, or python3 (which reads the rendered DOM), is not installed.
# Runs as root with no display: --headless=new, --no-sandbox, a private profile in a temporary
# directory that is removed at exit.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 FILE.html [SCREENSHOT.png]" >&2
  exit 2
fi
file=$1
shot=${2:-}

browser=
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then
    browser=$(command -v "$candidate")
    break
  fi
done
if [ -z "$browser" ]; then
  echo "check_html: skipped, chromium is not installed"
  exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "check_html: skipped, python3 (which reads the rendered DOM) is not installed"
  exit 77
fi
if [ ! -r "$file" ]; then
  echo "check_html: cannot read $file"
  exit 1
fi

absolute() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$(pwd)" "$1" ;;
  esac
}
# file:// URL of the page: the characters a path may hold that a URL may not, percent-encoded.
url="file://$(absolute "$file" | sed -e 's/%/%25/g' -e 's/ /%20/g' -e 's/#/%23/g' -e 's/?/%3F/g')"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# One run of the browser on the page, with the output flag(s) given.
run_browser() {
  timeout 120 "$browser" --headless=new --no-sandbox --disable-gpu --no-first-run --no-default-browser-check \
    --disable-extensions --disable-background-networking --disable-sync --mute-audio \
    --user-data-dir="$work/profile" --enable-logging=stderr --v=0 --virtual-time-budget=2000 \
    "$@" "$url"
}

if ! run_browser --dump-dom >"$work/dom.html" 2>"$work/log.txt"; then
  echo "check_html: chromium failed on $file: $(grep -v -e dbus -e '^[[:space:]]*$' "$work/log.txt" | tail -n 1)"
  exit 1
fi

# Console messages: '[pid:tid:time:INFO:CONSOLE:12] "Uncaught Error: x", source: file:///... (12)'
# (Chromium 156; older ones wrote "CONSOLE(12)").
console=$(grep -E ':CONSOLE[(:]|Uncaught' "$work/log.txt" || true)
if [ -n "$console" ]; then
  count=$(printf '%s\n' "$console" | wc -l)
  first=$(printf '%s\n' "$console" | head -n 1 | sed -E 's/^\[[^]]*\] *//')
  echo "check_html: $count console message(s) in $file, first: $first"
  exit 1
fi

# The rendered DOM, read by Python's HTML parser: references to the network, then the charts and
# their data paths. Prints the number of charts, or why the page fails (exit 1).
cat >"$work/read_dom.py" <<'PY'
import re, sys
from html.parser import HTMLParser

REMOTE = re.compile(r'^\s*(?:https?:)?//', re.I)
CSS_REMOTE = re.compile(r'url\(\s*["\']?\s*(?:https?:)?//|@import', re.I)
LINKS = {"src", "href", "xlink:href", "srcset", "poster", "data", "action", "formaction"}

class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.external = None
        self.charts = []      # [data-chart, has a path with a non-empty d]
        self.depth = 0        # <svg> nesting inside the current chart; 0: outside any chart
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        for k, v in a.items():
            if (k in LINKS and REMOTE.search(v)) or (k == "style" and CSS_REMOTE.search(v)):
                self.external = self.external or f'<{tag} {k}="{v[:60]}">'
        self.in_style = tag == "style"
        if tag == "svg":
            if self.depth:
                self.depth += 1
            elif "chart" in a.get("class", "").split():
                self.charts.append([a.get("data-chart", "(unnamed)"), False])
                self.depth = 1
        elif tag == "path" and self.depth and a.get("d", "").strip():
            self.charts[-1][1] = True

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        self.in_style = False
        if tag == "svg" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.in_style and CSS_REMOTE.search(data):
            self.external = self.external or "a CSS url() or @import"

page = Page()
with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
    page.feed(f.read())
page.close()
if page.external:
    print(f"an external resource ({page.external})")
    sys.exit(1)
if not page.charts:
    print("no svg.chart in the rendered page")
    sys.exit(1)
for name, drawn in page.charts:
    if not drawn:
        print(f"chart {name} has no path with a non-empty d attribute")
        sys.exit(1)
print(len(page.charts))
PY
if ! verdict=$(python3 "$work/read_dom.py" "$work/dom.html"); then
  echo "check_html: $verdict in $file"
  exit 1
fi

if [ -n "$shot" ]; then
  shot_path=$(absolute "$shot")
  rm -f "$shot_path"
  if ! run_browser --hide-scrollbars --window-size="${SCREENSHOT_SIZE:-1280,2400}" --screenshot="$shot_path" >/dev/null 2>"$work/shot.txt" ||
    [ ! -s "$shot_path" ]; then
    echo "check_html: the screenshot of $file failed"
    exit 1
  fi
fi

echo "check_html: $verdict charts rendered, no console error"

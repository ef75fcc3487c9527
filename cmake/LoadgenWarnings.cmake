# loadgen_warnings: an INTERFACE target carrying our warning flags. Linked PRIVATE by our own
# targets only, so nothing leaks to consumers.
add_library(loadgen_warnings INTERFACE)
target_compile_options(loadgen_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused -Woverloaded-virtual
  -Wnull-dereference -Wformat=2 -Wimplicit-fallthrough
  $<$<BOOL:${LOADGEN_WARNINGS_AS_ERRORS}>:-Werror>)

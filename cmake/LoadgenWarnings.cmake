# loadgen_warnings: an INTERFACE target carrying our warning flags. Linked PRIVATE by our own
# targets only, so nothing leaks to consumers.
add_library(loadgen_warnings INTERFACE)
target_compile_options(loadgen_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused -Woverloaded-virtual
  -Wformat=2 -Wimplicit-fallthrough
  # GCC 12 reports std::string copies as overlapping memcpy at -O2/-O3 (GCC bug 105329): a false
  # positive in libstdc++, not in our code.
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>
  # GCC 12 pairs Asio's coroutine-frame operator delete with the aligned_alloc inside Asio's
  # recycling allocator and calls it a mismatch (it is Asio's own matched pair).
  $<$<CXX_COMPILER_ID:GNU>:-Wno-mismatched-new-delete>
  $<$<BOOL:${LOADGEN_WARNINGS_AS_ERRORS}>:-Werror>)

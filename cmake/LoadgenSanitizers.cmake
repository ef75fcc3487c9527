# Sanitizers are chosen once per build tree (LOADGEN_SANITIZERS, set by the presets) and applied to
# everything we build, so the library, the binary and the tests agree on the runtime.
if(LOADGEN_SANITIZERS)
  list(JOIN LOADGEN_SANITIZERS "," _loadgen_san)
  add_compile_options(-fsanitize=${_loadgen_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_loadgen_san})
  # GCC 12's -Wmaybe-uninitialized fires inside libstdc++ (std::regex, std::function) once the
  # sanitizers' instrumentation is inlined: false positives in the standard library.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
    # -Wtsan: libstdc++'s shared_ptr and Asio use std::atomic_thread_fence, which TSan does not
    # model; GCC 12 warns in every TU that includes them. TSan still checks everything else.
    if("thread" IN_LIST LOADGEN_SANITIZERS)
      add_compile_options(-Wno-tsan)
      # At -O1 with TSan's instrumentation inlined, GCC 12's object-size warnings misfire on
      # std::string copies and resizes in the tests (offsets past a 32-byte string object): its
      # known false positives. The dev and ASan builds keep these warnings as errors.
      add_compile_options(-Wno-array-bounds -Wno-stringop-overflow)
    endif()
  endif()
  message(STATUS "loadgen: sanitizers ${_loadgen_san}")
endif()

// The other half of openssl_lazy.S: the first call of any OpenSSL function lands here, once, and
// loads libssl (LOADGEN_OPENSSL_SONAME, which loads libcrypto), then points every stub at the
// real function. A process that never calls OpenSSL never maps either library.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#define LOADGEN_OPENSSL(name) extern "C" __attribute__((visibility("hidden"))) void* loadgen_openssl_ptr_##name;
#include "openssl_functions.def"
#undef LOADGEN_OPENSSL

namespace loadgen {
namespace {

struct lazy_function {
  const char* name;
  void** pointer;  // its stub jumps through this
};

constexpr lazy_function functions[] = {
#define LOADGEN_OPENSSL(name) {#name, &loadgen_openssl_ptr_##name},
#include "openssl_functions.def"
#undef LOADGEN_OPENSSL
};

[[noreturn]] void cannot_load(const char* what) {
  // Called from inside an OpenSSL call of a run that asked for TLS: no way to go on without it.
  std::fprintf(stderr, "loadgen: TLS needs OpenSSL, which could not be loaded: %s\n", what);
  std::_Exit(1);
}

bool load() {
  void* library = dlopen(LOADGEN_OPENSSL_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) cannot_load(dlerror());
  for (const lazy_function& f : functions) {
    void* real = dlsym(library, f.name);  // libssl's scope includes the libcrypto it needs
    if (real == nullptr) cannot_load(dlerror());
    __atomic_store_n(f.pointer, real, __ATOMIC_RELEASE);  // read by the stubs, on any thread
  }
  return true;
}

}  // namespace

}  // namespace loadgen

// Called by the stubs' slow path with the pointer of the function called; returns the function.
extern "C" __attribute__((visibility("hidden"))) void* loadgen_openssl_resolve(void** pointer) {
  static const bool once = loadgen::load();  // thread-safe; the others wait for the first
  (void)once;
  return __atomic_load_n(pointer, __ATOMIC_ACQUIRE);
}

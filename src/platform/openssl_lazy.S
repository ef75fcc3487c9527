/* OpenSSL loaded on first use (see openssl_functions.def). For each function F:
     F:          jmp *loadgen_openssl_ptr_F(%rip)   the stub loadgen's code calls (hidden: never
                                                     exported, so OpenSSL's own calls stay inside it)
     ptr_F:      first the address of F's slow stub, then OpenSSL's F
     slow F:     puts &ptr_F in %r11 and goes to the common part, which saves the argument
                 registers, calls loadgen_openssl_resolve(&ptr_F) (openssl_lazy.cpp: loads the
                 libraries and fills every pointer, once), restores them and jumps to OpenSSL's F.
   So the first call of any OpenSSL function loads OpenSSL, with that call's arguments untouched
   (variadic ones too: %rax and %xmm0-7 are kept), and every later call costs one indirect jump,
   what a call through the PLT costs. x86-64 System V only (CMake turns it off elsewhere). */

        .section .data.loadgen_openssl_ptrs, "aw", @progbits
        .balign 8
#define LOADGEN_OPENSSL(name) \
        .hidden loadgen_openssl_ptr_##name; \
        .globl loadgen_openssl_ptr_##name; \
loadgen_openssl_ptr_##name: .quad loadgen_openssl_slow_##name;
#include "openssl_functions.def"
#undef LOADGEN_OPENSSL

        .section .text.loadgen_openssl_stubs, "ax", @progbits
#define LOADGEN_OPENSSL(name) \
        .globl name; .hidden name; .type name, @function; .balign 16; \
name:   jmp *loadgen_openssl_ptr_##name(%rip); \
        .size name, . - name; \
loadgen_openssl_slow_##name: \
        leaq loadgen_openssl_ptr_##name(%rip), %r11; \
        jmp loadgen_openssl_slow_common;
#include "openssl_functions.def"
#undef LOADGEN_OPENSSL

        .type loadgen_openssl_slow_common, @function
        .balign 16
loadgen_openssl_slow_common:
        /* Entered by jumps from a call: %rsp = 8 mod 16. */
        pushq %rbp
        movq %rsp, %rbp
        pushq %rdi
        pushq %rsi
        pushq %rdx
        pushq %rcx
        pushq %r8
        pushq %r9
        pushq %rax
        subq $136, %rsp                  /* %xmm0-7, and %rsp = 0 mod 16 for the call */
        movdqa %xmm0, 0(%rsp)
        movdqa %xmm1, 16(%rsp)
        movdqa %xmm2, 32(%rsp)
        movdqa %xmm3, 48(%rsp)
        movdqa %xmm4, 64(%rsp)
        movdqa %xmm5, 80(%rsp)
        movdqa %xmm6, 96(%rsp)
        movdqa %xmm7, 112(%rsp)
        movq %r11, %rdi
        call loadgen_openssl_resolve@PLT  /* returns OpenSSL's function in %rax */
        movq %rax, %r11
        movdqa 0(%rsp), %xmm0
        movdqa 16(%rsp), %xmm1
        movdqa 32(%rsp), %xmm2
        movdqa 48(%rsp), %xmm3
        movdqa 64(%rsp), %xmm4
        movdqa 80(%rsp), %xmm5
        movdqa 96(%rsp), %xmm6
        movdqa 112(%rsp), %xmm7
        addq $136, %rsp
        popq %rax
        popq %r9
        popq %r8
        popq %rcx
        popq %rdx
        popq %rsi
        popq %rdi
        popq %rbp
        jmp *%r11
        .size loadgen_openssl_slow_common, . - loadgen_openssl_slow_common

        .section .note.GNU-stack, "", @progbits

# vigil — build. `make` builds build/vigil; `make run` and `make test` install
# missing Debian packages first. V=1 shows every command.
.DELETE_ON_ERROR:
.SECONDARY:
.DEFAULT_GOAL := all

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

BUILD    := build
# The package version (defined once, in src/lib/version.h); `vigil --version`
# adds the commit when built from git.
VERSION  := $(shell sed -n 's/^\#define VG_VERSION "\(.*\)"/\1/p' src/lib/version.h)
GIT_REV  := $(shell git rev-parse --short HEAD 2>/dev/null)
FULL_VERSION := $(VERSION)$(if $(GIT_REV),+g$(GIT_REV))
CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool
ARCH     := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -MMD -MP \
	    -I src -I $(BUILD)/skel
LDLIBS   := -lbpf -lelf -lz -lpthread -lyaml -ljansson -lmicrohttpd -lseccomp -lcurl -lssl -lcrypto -lsodium
HELPER_LDLIBS += -luring
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	    -Wno-unused-function -I $(BUILD) -I src -MMD -MP

BPF_SRCS  := $(wildcard src/bpf/*.bpf.c)
BPF_OBJS  := $(patsubst src/bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS     := $(patsubst src/bpf/%.bpf.c,$(BUILD)/skel/%.skel.h,$(BPF_SRCS))
# User-space layers, each a folder; data flows lib/bpf -> seccomp, sensors -> event ->
# policy -> output -> agent -> cli (docs/architecture.md).
LAYERS    := lib seccomp sensors event policy output agent cli
SRCS      := $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c))
OBJS      := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRCS))
GEN_OBJS  := $(BUILD)/obj/default_policy.o $(BUILD)/obj/containers_policy.o $(BUILD)/obj/version.o
LIB_OBJS  := $(filter-out $(BUILD)/obj/cli/main.o,$(OBJS)) $(GEN_OBJS)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(patsubst tests/helpers/%.c,$(BUILD)/tests/helpers/%,$(HELPER_SRCS))
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_BINS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))

.PHONY: FORCE all deps deps-run deps-bench run test deb unit integration bench bench-micro clean check-layout fuzz fuzz-build
all: $(BUILD)/vigil $(UNIT_BINS) $(HELPER_BINS) $(BENCH_BINS)

# deps: everything, tests included; deps-run: only what building and running needs.
deps:
	$(Q)sh scripts/deps.sh test

deps-run:
	$(Q)sh scripts/deps.sh run

deps-bench:
	$(Q)sh scripts/deps.sh bench

# Only the agent: tests and benchmarks are built by make test / make bench.
run: deps-run
	$(Q)$(MAKE) --no-print-directory $(BUILD)/vigil
	$(BUILD)/vigil run $(ARGS)

test: deps
	$(Q)$(MAKE) --no-print-directory all fuzz-build
	$(Q)python3 tests/run.py $(TESTS)

# The Debian package: binary, policy and config as conffiles, unit, man pages, completion.
DEB := $(BUILD)/vigil_$(VERSION)_$(shell dpkg --print-architecture 2>/dev/null || echo amd64).deb
deb: $(BUILD)/vigil
	$(call msg,DEB,$(DEB))
	$(Q)sh scripts/mkdeb.sh $(VERSION) $(DEB) >/dev/null

# Layers, include cycles, file and function sizes (docs/architecture.md); make test runs it too.
check-layout:
	$(Q)python3 scripts/check_layout.py

# libFuzzer targets (tests/fuzz/): FUZZ_SECONDS each, in parallel; make test
# replays their corpora and runs each for 30 s (tests/unit/test_fuzz.py).
fuzz: deps
	$(Q)$(MAKE) --no-print-directory fuzz-build
	$(Q)python3 tests/fuzz/run.py --seconds $(or $(FUZZ_SECONDS),300)

# What each monitor (vigil's modes, the floor, libbpf-tools, bpftrace) costs
# each workload, in one interleaved run (docs/benchmarks.md): ROUNDS, BUILD_ROUNDS, SECS,
# MONITORS, WORKLOADS, VIGIL_BASE. bench-micro: the per-sensor benchmarks.
bench: deps-bench
	$(Q)$(MAKE) --no-print-directory $(BUILD)/vigil $(BENCH_BINS)
	$(Q)python3 bench/overhead.py

bench-micro: deps deps-bench
	$(Q)$(MAKE) --no-print-directory all
	$(Q)sh bench/run.sh

# vmlinux.h: from the running kernel's BTF when present, else the committed copy.
$(BUILD)/vmlinux.h: | $(BUILD)
	$(call msg,VMLINUX,$@)
	$(Q)if [ -r /sys/kernel/btf/vmlinux ]; then \
		$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@; \
	else cp src/bpf/vmlinux_fallback.h $@; fi

$(BUILD)/bpf/%.bpf.o: src/bpf/%.bpf.c $(BUILD)/vmlinux.h | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/skel/%.skel.h: $(BUILD)/bpf/%.bpf.o | $(BUILD)/skel
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

# Every user object may include any skeleton; -MMD records which it really does.
$(BUILD)/obj/%.o: src/%.c | $(SKELS) $(BUILD)/obj
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# The built-in default policy, embedded as a C string.
$(BUILD)/gen/default_policy.c: policy/default.yaml scripts/embed.sh | $(BUILD)/gen
	$(call msg,EMBED,$@)
	$(Q)sh scripts/embed.sh $< vg_default_policy_yaml > $@

# Rules for containers only: a file of their own, loaded with the default.
$(BUILD)/gen/containers_policy.c: policy/containers.yaml scripts/embed.sh | $(BUILD)/gen
	$(call msg,EMBED,$@)
	$(Q)sh scripts/embed.sh $< vg_containers_policy_yaml > $@

# vg_version and vg_build_commit(): VERSION and the commit; rewritten only when it changes.
$(BUILD)/gen/version.c: FORCE | $(BUILD)/gen
	$(Q)printf 'const char vg_version[] = "%s";\nconst char *vg_build_commit(void);\nconst char *vg_build_commit(void) { return "%s"; }\n' \
		"$(FULL_VERSION)" "$(or $(GIT_REV),unknown)" > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/obj/%.o: $(BUILD)/gen/%.c | $(BUILD)/obj
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libvigil.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/vigil: $(BUILD)/obj/cli/main.o $(BUILD)/libvigil.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS) $(EXTRA_LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libvigil.a | $(SKELS) $(BUILD)/tests
	$(call msg,TEST-CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(BUILD)/libvigil.a -o $@ -lcmocka $(LDLIBS) $(EXTRA_LDLIBS)

$(BUILD)/tests/helpers/%: tests/helpers/%.c | $(BUILD)/tests/helpers
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@ $(HELPER_LDLIBS)

# The output and record benchmarks drive the library's layers themselves: they link it.
$(BUILD)/bench/output_bench $(BUILD)/bench/record_cost: $(BUILD)/bench/%: bench/%.c \
		$(BUILD)/libvigil.a | $(SKELS) $(BUILD)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(BUILD)/libvigil.a -o $@ $(LDLIBS)

$(BUILD)/bench/%: bench/%.c | $(BUILD)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@ $(LDLIBS)

# Fuzz builds: clang, AddressSanitizer and UBSan on the code under test
# (the lib, event and policy layers), libFuzzer linked into each target.
FUZZ_CFLAGS := -g -O1 -std=gnu11 -D_GNU_SOURCE -I src -I $(BUILD)/skel -Wall -Wextra -Werror \
	       -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_SRCS := $(foreach l,lib event policy,$(wildcard src/$(l)/*.c)) $(BUILD)/gen/default_policy.c
FUZZ_OBJS := $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(patsubst $(BUILD)/%,%,$(FUZZ_SRCS)))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

fuzz-build: $(FUZZ_BINS) $(BUILD)/fuzz/seeds/.stamp

$(BUILD)/fuzz/obj/%.o: $(BUILD)/%.c | $(SKELS)
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(BUILD)/fuzz/obj/%.o: %.c | $(SKELS)
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJS)
	$(call msg,FUZZ-LD,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ -o $@ -lyaml -ljansson -lbpf -lseccomp -lsodium

$(BUILD)/fuzz/seeds/.stamp: tests/fuzz/make_seeds.py bench/policy_gen.py policy/default.yaml \
			    $(wildcard tests/policies/*)
	$(call msg,SEEDS,$(@D))
	$(Q)rm -rf $(@D) && python3 tests/fuzz/make_seeds.py $(@D) && touch $@

$(BUILD) $(BUILD)/gen $(BUILD)/bpf $(BUILD)/skel $(BUILD)/obj $(BUILD)/tests $(BUILD)/tests/helpers $(BUILD)/bench:
	$(Q)mkdir -p $@

clean:
	rm -rf $(BUILD)

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/obj/*/*.d $(BUILD)/bpf/*.d $(BUILD)/tests/*.d \
	   $(BUILD)/fuzz/obj/src/*/*.d)

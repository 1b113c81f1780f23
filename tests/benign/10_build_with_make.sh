# workload: a small make build with a shared library under /tmp, its tests run in place
. "$(dirname "$0")/../attacks/common.bash"
cd "$VG_TMP"
printf 'int add(int a,int b){return a+b;}\n' >lib.c
printf 'int add(int,int);\nint main(void){return add(1,2)!=3;}\n' >main.c
printf 'all: t\nlibadd.so: lib.c\n\tcc -shared -fPIC -o $@ $<\nt: main.c libadd.so\n\tcc -o $@ main.c -L. -ladd -Wl,-rpath,$(CURDIR)\ncheck: t\n\t./t\n' >Makefile
make -s check

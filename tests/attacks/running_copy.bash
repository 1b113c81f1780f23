# Sourced after common.bash: a copy of sleep, $VG_TMP/x, running in the
# background (killed when the scenario ends) once its exec is done.
cp /bin/sleep "$VG_TMP/x"
"$VG_TMP/x" 60 &
running_pid=$!
on_exit "kill $running_pid 2>/dev/null"
for _ in $(seq 100); do
	[ "$(readlink "/proc/$running_pid/exe" 2>/dev/null)" = "$VG_TMP/x" ] && break
	sleep 0.05
done

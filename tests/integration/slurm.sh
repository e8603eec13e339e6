# slurm.sh -- a one-node Slurm in a temp dir for tests (sourced, not a test):
# munged with its own key and socket, slurmctld and slurmd on ports of
# their own, every file under DIR, every process stopped by its pid.

# slurm_up DIR: starts them, exports SLURM_CONF; 0 once the node is idle.
slurm_up() {
	local d=$1 host
	SLURM_TEST_DIR=$d
	host=$(hostname -s)
	mkdir -p "$d/state" "$d/spool" "$d/munge"
	chmod 700 "$d" "$d/munge"
	head -c 1024 /dev/urandom >"$d/munge/key"
	chmod 400 "$d/munge/key"
	munged --force --key-file="$d/munge/key" --socket="$d/munge/sock" \
		--pid-file="$d/munge/pid" --log-file="$d/munge.log" \
		--seed-file="$d/munge/seed" 2>>"$d/munge.log" || return 1
	cat >"$d/slurm.conf" <<EOC
ClusterName=fathomlab
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=${SLURM_TEST_PORT:-16817}
SlurmdPort=$(( ${SLURM_TEST_PORT:-16817} + 1 ))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$d/munge/sock
CryptoType=crypto/munge
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/slurmctld.log
SlurmdLogFile=$d/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=lab Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOC
	export SLURM_CONF=$d/slurm.conf
	slurmctld -c -f "$SLURM_CONF" 2>>"$d/slurmctld.log" || return 1
	slurmd -f "$SLURM_CONF" 2>>"$d/slurmd.log" || return 1
	for _ in $(seq 60); do
		sinfo -h -o %T 2>/dev/null | grep -qx idle && return 0
		sleep 0.5
	done
	return 1
}

# slurm_wait JOB SECONDS: until JOB has left the queue (or the time is up).
slurm_wait() {
	for _ in $(seq $(( $2 * 2 ))); do
		squeue -h -j "$1" 2>/dev/null | grep -q . || return 0
		sleep 0.5
	done
	return 1
}

# slurm_down: cancels what is queued, stops the three daemons it started.
slurm_down() {
	local d=${SLURM_TEST_DIR:-} p
	[ -n "$d" ] || return 0
	[ -z "${SLURM_CONF:-}" ] || scancel --user=root 2>/dev/null
	for p in "$d/slurmd.pid" "$d/slurmctld.pid" "$d/munge/pid"; do
		[ -s "$p" ] && kill "$(cat "$p")" 2>/dev/null
	done
	sleep 1
}

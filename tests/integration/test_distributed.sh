#!/usr/bin/env bash
# test_distributed.sh -- the job engines: the Kubernetes manifests parse and
# ask for what a shard needs; the command each pod would run, run in the
# lab for every index, and the merge Job's command give one whole run's
# hosts, the same shard commands as the Slurm script's; and a one-node
# Slurm (slurmctld, slurmd, munged in a temp dir) runs the array job and
# its dependent merge on the crowd.
source "$(dirname "$0")/lib.sh"

have() { command -v "$1" >/dev/null 2>&1; }
up_hosts() { grep -P '\tStatus: Up' "$@" | awk '{print $2}' | sort; }
K8S=$top/tools/k8s
ARRAY=$top/tools/slurm/fathom-array.sh
cd "$tmp" || exit 1
# The crowd's part of the lab: the scanner namespace and fx-crowd's daemons.
ip netns exec fx-scan true 2>/dev/null && ip netns exec fx-crowd ss -Hltn 'sport = :80' 2>/dev/null | grep -q . ||
	{ notok "precondition: the lab's fx-scan and fx-crowd are up (tools/lab up)"; exit 0; }

python3 -c 'import yaml' 2>/dev/null ||
	{ notok "precondition: python3-yaml is installed (tools/deps)"; exit 0; }
python3 -c '
for a in range(256):
    for b in range(0, 256, 4):
        print("198.19.%d.%d" % (a, b))' | sort >want

# The manifests: fields checked, and each pod's shell command written out
# per index (what the kubelet runs once $(VAR) is expanded).
python3 - "$K8S" "$tmp" >k8s.out 2>k8s.err <<'PY'
import re, sys, yaml
k8s, out = sys.argv[1], sys.argv[2]
def load(name):
    docs = [d for d in yaml.safe_load_all(open(f"{k8s}/{name}")) if d]
    assert len(docs) == 1 and docs[0]["kind"] == "Job", name
    return docs[0]
job = load("fathom-shards.yaml")
spec = job["spec"]
assert spec["completionMode"] == "Indexed", "completionMode"
n = spec["completions"]
pod = spec["template"]["spec"]
assert pod["restartPolicy"] == "Never"
c = pod["containers"][0]
caps = c["securityContext"]["capabilities"]
assert {"NET_RAW", "NET_ADMIN"} <= set(caps["add"]), "capabilities"
assert caps["drop"] == ["ALL"]
script = " ".join(c["command"][2:] + c["args"]) if c["command"][:2] == ["/bin/sh", "-c"] else None
assert script and "$(JOB_COMPLETION_INDEX)" in script, "index in the command"
m = re.search(r"--shards (\d+)", script)
assert m and int(m.group(1)) == n, "--shards equals completions"
for i in range(n):
    open(f"{out}/pod{i}.sh", "w").write(script.replace("$(JOB_COMPLETION_INDEX)", str(i)) + "\n")
merge = load("fathom-merge.yaml")["spec"]["template"]["spec"]["containers"][0]
cmd = merge["command"]
assert cmd[:2] == ["fathom", "merge"], "merge command"
assert cmd[4:] == [f"/out/shard-{i}" for i in range(n)], "merge reads every shard"
assert not merge["securityContext"]["capabilities"].get("add"), "merge needs no capability"
open(f"{out}/merge.sh", "w").write(" ".join(cmd) + "\n")
print(n)
PY
rc=$?
[ "$rc" = 0 ] || sed 's/^/#   /' k8s.err
check "k8s manifests parse: Indexed Job (NET_RAW, NET_ADMIN), merge Job of every shard" test "$rc" = 0
n=$(cat k8s.out)
[ "$rc" = 0 ] || exit 0

# The same scan's shard commands from the Slurm script (-p prints them):
# the same shards, scan id and arguments as the pods'.
args=$(sed -n 's/.*--shard \$(JOB_COMPLETION_INDEX) *-oA \/out\/shard-\$(JOB_COMPLETION_INDEX) *//p' \
	<(python3 -c 'import yaml,sys; c=yaml.safe_load(open(sys.argv[1]))["spec"]["template"]["spec"]["containers"][0]; print(" ".join(c["args"]))' "$K8S/fathom-shards.yaml"))
id=$(grep -o -- '--scan-id [^ ]*' pod0.sh | cut -d' ' -f2)
# shellcheck disable=SC2086
"$ARRAY" -p -n "$n" -o "$tmp/sl" -i "$id" -F fathom -- $args >slurm.cmds
norm() { grep -ho -- "--scan-id [^ ]* --shards [0-9]* --shard [0-9]* -oA [^ ]*/shard-[0-9]* .*" "$@" |
	sed 's|-oA [^ ]*/shard-|-oA shard-|; s/\\//g; s/ *$//' | sort; }
check "the pods' shard commands are the Slurm tasks' ($n shards, scan id $id)" \
	cmp -s <(norm pod*.sh) <(norm slurm.cmds)

# Each pod's command, in the lab: /out is a folder here, fathom ours.
mkdir -p out
for ((i = 0; i < n; i++)); do
	sed "s|/out/|$tmp/out/|g; s|exec fathom|exec ip netns exec fx-scan $FATHOM|g" "pod$i.sh" >"run$i.sh"
	sh "run$i.sh" >"pod$i.txt" 2>"pod$i.err"
	check "pod $i's command exits 0" test $? = 0
done
sed "s|/out/|$tmp/out/|g; s|^fathom|$FATHOM|" merge.sh >runmerge.sh
sh runmerge.sh 2>merge.err
check "the merge Job's command exits 0" test $? = 0
check "pods merged: the crowd's 16384 live hosts, each once ($(up_hosts out/merged.gnmap | wc -l))" \
	sh -c "$(declare -f up_hosts); up_hosts out/merged.gnmap | cmp -s - want"
check "pods: no host in two shards" \
	test -s out/shard-0.gnmap -a -z "$(up_hosts out/shard-*.gnmap | uniq -d)"
# A pod retried on the same index resumes: nothing to do once finished.
sh run1.sh >again.txt 2>&1
check "a retried pod of a finished index exits 0, scanning nothing" \
	grep -q 'nothing to resume' again.txt

# Slurm, one node, in a temp dir: only where Debian's slurm-wlm is.
for t in slurmctld slurmd munged sbatch squeue; do
	have "$t" || { notok "precondition: $t (Debian slurm-wlm, munge: tools/deps)"; exit 0; }
done
source "$top/tests/integration/slurm.sh"
# Whatever happens next, the daemons this test started stop with it.
trap 'slurm_down; [ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
if ! slurm_up "$tmp/slurm"; then
	notok "one-node Slurm started (slurmctld, slurmd, munged)"
	sed 's/^/#   /' "$tmp"/slurm/*.log 2>/dev/null | tail -20
	exit 0
fi
ok "one-node Slurm started (slurmctld, slurmd, munged)"
"$ARRAY" -n 4 -o "$tmp/sl" -i slurm-t -w "ip netns exec fx-scan" -F "$FATHOM" \
	-- -n -p22,80 "$CROWD_NET" >submit.txt 2>submit.err
rc=$?
check "fathom-array.sh submits the array and the merge (rc=$rc)" \
	grep -q 'array job [0-9]* (4 shards), merge job [0-9]*' submit.txt
merge_job=$(sed -n 's/.*merge job \([0-9]*\).*/\1/p' submit.txt)
slurm_wait "$merge_job" 600
check "the merge job ran after the 4 tasks and wrote merged.*" \
	test -s "$tmp/sl/merged.xml" -a -s "$tmp/sl/merged.gnmap"
check "Slurm: union of the 4 shards = the crowd's 16384 live hosts" \
	sh -c "$(declare -f up_hosts); up_hosts '$tmp/sl/merged.gnmap' | cmp -s - want"
check "Slurm: no host in two shards" \
	test -s "$tmp/sl/shard-0.gnmap" -a -z "$(up_hosts "$tmp"/sl/shard-*.gnmap | uniq -d)"
own_shards() {
	local i
	for i in 0 1 2 3; do
		grep -q "^# fathom-shard: shard=$i shards=4 " "$tmp/sl/shard-$i.nmap" || return 1
	done
}
check "Slurm: each task ran its own shard (0-3)" own_shards

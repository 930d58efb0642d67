#!/usr/bin/env python3
"""Records real bash's output into a transcript (tests/transcripts/*.txt format).

Usage: scripts/shell-oracle/record.py tests/transcripts/21-bash.txt

Each step's lines (`$ ` then `> `) are typed into one interactive bash 5 session
(--norc, no line editing) whose home and working directory is an empty temporary
directory shown as /root, as on Kubarium's controlplane. The expected output of every
step is replaced by what bash printed (stdout and stderr interleaved). Steps that use
kubectl or the cluster do not belong in these transcripts.
"""
import os
import subprocess
import sys
import tempfile

MARK = "@@kubarium-step@@"


def parse(text):
    """The header lines and each step's input lines, as tests/lib.rs reads them."""
    lines = text.split("\n")
    header = []
    while lines and (lines[0].startswith("#") or lines[0] == ""):
        header.append(lines.pop(0))
    steps, has_output = [], False
    for line in lines:
        if line.startswith("$ ") or line == "$":
            steps.append([line[2:]])
            has_output = False
        elif (line.startswith("> ") or line == ">") and steps and not has_output:
            steps[-1].append(line[2:])
        elif steps:
            has_output = True
    return header, steps


def main(path):
    header, inputs = parse(open(path).read())
    with tempfile.TemporaryDirectory() as home:
        script = ""
        for s in inputs:
            script += "\n".join(s) + "\n" + f"echo {MARK} >&2\n"
        env = {"HOME": home, "USER": "root", "SHELL": "/bin/bash", "PS1": "", "PS2": "",
               "TERM": "dumb", "PATH": "/usr/bin:/bin", "KUBECONFIG": "/etc/kubernetes/admin.conf",
               "LC_ALL": "C"}
        res = subprocess.run(["bash", "--norc", "--noprofile", "--noediting", "-i"],
                             input=script, capture_output=False, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, cwd=home, env=env)
        out = res.stdout.replace(home, "/root")
    # bash says `exit` when its input ends.
    if out.endswith("exit\n"):
        out = out[: -len("exit\n")]
    lines = out.split("\n")
    lines = [l for l in lines if not l.startswith("bash: cannot set terminal process group")
             and l != "bash: no job control in this shell"]
    chunks = "\n".join(lines).split(MARK + "\n")
    rendered = [l for l in header if l]
    for s, expected in zip(inputs, chunks):
        rendered.append("$ " + s[0])
        rendered.extend("> " + l for l in s[1:])
        if expected:
            rendered.append(expected.rstrip("\n"))
    open(path, "w").write("\n".join(rendered) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])

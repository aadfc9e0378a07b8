// Compiles Beacon's TypeScript sources to JavaScript in dist/<id>/, where <id> hashes the sources, so a CLI call
// loads plain JavaScript instead of paying ~3 s for the on-the-fly compiler. The .ts files stay the only truth:
// any edit changes the id, and the next `beacon` call compiles afresh (about a second) before it runs.
// Plain JavaScript on purpose: it must run before anything is compiled (`npm ci` runs it as the prepare script).
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: the folder above cli/. */
export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

// Never mirrored: dependencies, earlier builds, runtime data and scratch work.
const IGNORED = new Set(["node_modules", "dist", "data", "scratch"]);
// Earlier builds kept besides the current one: a process started from one of them still finds its files
// (commands import their modules when they start, so a running process needs its build only briefly).
const KEEP_EARLIER_BUILDS = 3;
// dist/<STAMP>: the file and folder stats the current build id was computed from (see ensureCompiled).
const STAMP = ".sources-stamp.json";
// A file modified this recently may change again within the file system's timestamp granularity without its stats
// changing (git's "racily clean" case): such a state is hashed every time and never stamped.
const RACY_MS = 2000;

/**
 * Lists what a build is made of: the .ts files to compile, and every other entry (asset files, folders without
 * TypeScript) to link at the same relative path, so code that finds files next to itself via import.meta.url
 * (migrations, the playbook, eval questions, bench results) finds the very same files from dist/.
 */
export function listSources(root = ROOT) {
  const dirs = [];
  const walk = (dir, rel) => {
    dirs.push(rel);
    const found = { compile: [], links: [] };
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (entry.name.startsWith(".") || (rel === "" && IGNORED.has(entry.name))) continue;
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        const inner = walk(join(dir, entry.name), path);
        // A folder with no TypeScript anywhere inside is linked whole, so files added to it later are seen.
        if (inner.compile.length === 0) found.links.push(path);
        else {
          found.compile.push(...inner.compile);
          found.links.push(...inner.links);
        }
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) found.compile.push(path);
      else found.links.push(path);
    }
    return found;
  };
  // `dirs`: every folder read, so a stamp can tell when an entry was added to or removed from any of them.
  return { ...walk(root, ""), dirs };
}

/**
 * The build id: a hash of every .ts file's path and content, the names of the linked entries, this script and
 * tsconfig.json (esbuild reads it). Content, not timestamps, so a checkout that only touches files reuses a build.
 */
export function buildId(sources, root = ROOT) {
  const hash = createHash("sha256");
  for (const path of [...sources.compile, "cli/build.js", "tsconfig.json"]) {
    hash.update(`${path}\0`);
    hash.update(readFileSync(join(root, path)));
  }
  for (const path of sources.links) hash.update(`link ${path}\0`);
  return hash.digest("hex").slice(0, 16);
}

/** Where the compiled CLI entry of build `id` lives. */
export function compiledMainPath(id, root = ROOT) {
  return join(root, "dist", id, "cli", "main.js");
}

/**
 * The compiled CLI entry for the current sources, compiling first when no build matches them.
 * `onCompile` is told when a compilation starts, so the caller can say why this call is slower.
 */
export async function ensureCompiled(root = ROOT, onCompile = () => {}) {
  // Reading and hashing every source costs each `beacon` call 0.1-0.3 s of CPU; when no file or folder stat changed
  // since the id was last computed, the id cannot have changed either, and a few hundred stats take milliseconds.
  const stamped = stampedId(root);
  if (stamped && existsSync(compiledMainPath(stamped, root))) return compiledMainPath(stamped, root);
  const sources = listSources(root);
  // Stats are taken before the contents are read: an edit after this point changes a stat the next call compares.
  const stats = sourceStats(root, sources);
  const id = buildId(sources, root);
  const main = compiledMainPath(id, root);
  if (!existsSync(main)) {
    onCompile(sources.compile.length);
    await compile(root, sources, id);
  }
  writeStamp(root, id, stats);
  return main;
}

/** Files whose content is hashed into the build id (their size, mtime and inode) and every folder walked (mtime). */
function sourceStats(root, sources) {
  const stat = (path) => statSync(join(root, path), { throwIfNoEntry: false });
  const files = {};
  for (const path of [...sources.compile, "cli/build.js", "tsconfig.json"]) {
    const s = stat(path);
    files[path] = s ? [s.size, s.mtimeMs, s.ino] : null;
  }
  const dirs = {};
  for (const path of sources.dirs) dirs[path] = stat(path)?.mtimeMs ?? null;
  return { files, dirs };
}

/** The build id recorded with stats that all still hold, or undefined (no stamp, anything changed, a racy stat). */
function stampedId(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, "dist", STAMP), "utf8"));
  } catch {
    return undefined;
  }
  if (typeof stamp?.id !== "string" || !stamp.files || !stamp.dirs) return undefined;
  const stat = (path) => statSync(join(root, path), { throwIfNoEntry: false });
  for (const [path, recorded] of Object.entries(stamp.dirs)) {
    if (stat(path)?.mtimeMs !== recorded) return undefined;
  }
  for (const [path, recorded] of Object.entries(stamp.files)) {
    const s = stat(path);
    if (!s || !recorded || s.size !== recorded[0] || s.mtimeMs !== recorded[1] || s.ino !== recorded[2])
      return undefined;
  }
  return stamp.id;
}

/** Records `stats` for build `id`, unless one of them is too recent to trust (see RACY_MS). */
function writeStamp(root, id, stats) {
  const newest = Math.max(
    ...Object.values(stats.dirs).map((mtime) => mtime ?? Number.POSITIVE_INFINITY),
    ...Object.values(stats.files).map((s) => s?.[1] ?? Number.POSITIVE_INFINITY),
  );
  if (newest > Date.now() - RACY_MS) return;
  const path = join(root, "dist", STAMP);
  const temp = `${path}.${process.pid}`;
  try {
    mkdirSync(join(root, "dist"), { recursive: true });
    writeFileSync(temp, JSON.stringify({ id, ...stats }));
    renameSync(temp, path);
  } catch {
    // A read-only dist/ only costs the next call the full hash.
    rmSync(temp, { force: true });
  }
}

/**
 * Compiles `sources` into dist/<id>: one .js file per .ts file (types stripped, `./x.ts` imports rewritten to
 * `./x.js`), plus links to the assets. Builds in a temporary folder renamed into place at the end, so a
 * concurrent `beacon` call never sees half a build; when two calls build the same id, the first rename wins.
 */
export async function compile(root, sources, id) {
  const { build } = await import("esbuild");
  const dist = join(root, "dist");
  const final = join(dist, id);
  const temp = join(dist, `.tmp-${id}-${process.pid}-${Date.now()}`);
  mkdirSync(temp, { recursive: true });
  try {
    await build({
      entryPoints: sources.compile.map((path) => join(root, path)),
      outdir: temp,
      outbase: root,
      // Bundling only so the plugin sees every import; the plugin keeps all of them external (one file per file).
      bundle: true,
      plugins: [keepImportsPlugin],
      platform: "node",
      format: "esm",
      target: "node20",
      tsconfig: join(root, "tsconfig.json"),
      sourcemap: "linked",
      logLevel: "silent",
    });
    for (const path of sources.links) linkAsset(root, temp, path);
    try {
      renameSync(temp, final);
    } catch (error) {
      // Another process finished the same build first: its copy is identical, keep it.
      if (!existsSync(compiledMainPath(id, root))) throw error;
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  pruneOldBuilds(dist, id);
}

// Every import stays an import of its own file; relative .ts specifiers point at the compiled .js instead.
const keepImportsPlugin = {
  name: "beacon-keep-imports",
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      const relativeTs = args.path.startsWith(".") && args.path.endsWith(".ts");
      return { path: relativeTs ? `${args.path.slice(0, -3)}.js` : args.path, external: true };
    });
  },
};

function linkAsset(root, buildDir, path) {
  const link = join(buildDir, path);
  mkdirSync(dirname(link), { recursive: true });
  // Relative targets keep working when the checkout moves; the temporary folder sits at the depth of dist/<id>.
  const target = relative(dirname(link), join(root, path));
  symlinkSync(target, link, statSync(join(root, path)).isDirectory() ? "dir" : "file");
}

/** Where a running process says which build it runs from: dist/<id>/.in-use/<pid>. */
const IN_USE = ".in-use";

/**
 * Marks the build `main` belongs to as in use by this process until it exits, so another call's compile does not
 * prune it: a long-running `beacon start` or import loads modules lazily and would fail on a deleted build.
 */
export function markInUse(main) {
  const marker = join(dirname(dirname(main)), IN_USE, String(process.pid));
  try {
    mkdirSync(dirname(marker), { recursive: true });
    writeFileSync(marker, "");
    process.on("exit", () => rmSync(marker, { force: true }));
  } catch {
    // A read-only checkout: nothing prunes it either.
  }
}

/** Whether a process that marked the build (see markInUse) is still alive; a marker of a killed process is not. */
function inUse(buildPath) {
  const markers = readdirSync(join(buildPath, IN_USE), { withFileTypes: true }).map((entry) => entry.name);
  return markers.some((pid) => {
    try {
      process.kill(Number(pid), 0);
      return true;
    } catch (error) {
      return error.code === "EPERM"; // alive, owned by another user
    }
  });
}

function pruneOldBuilds(dist, currentId) {
  const builds = readdirSync(dist)
    .filter((name) => name !== currentId && !name.startsWith(STAMP))
    // A concurrent build may rename or prune an entry between listing and stat: skip it.
    .map((name) => ({ path: join(dist, name), mtime: statSync(join(dist, name), { throwIfNoEntry: false })?.mtimeMs }))
    .filter((b) => b.mtime !== undefined)
    .sort((a, b) => b.mtime - a.mtime);
  // Temporary folders of builds still running elsewhere are young; only abandoned ones (an hour old) go.
  const abandoned = (b) => basename(b.path).startsWith(".tmp-") && Date.now() - b.mtime > 60 * 60 * 1000;
  const finished = builds.filter((b) => !basename(b.path).startsWith(".tmp-"));
  const stale = finished.slice(KEEP_EARLIER_BUILDS).filter((b) => !existsSync(join(b.path, IN_USE)) || !inUse(b.path));
  for (const b of [...stale, ...builds.filter(abandoned)]) {
    rmSync(b.path, { recursive: true, force: true });
  }
}

// `node cli/build.js` (the prepare script): compile now and say where to.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const sources = listSources();
  const id = buildId(sources);
  if (existsSync(compiledMainPath(id))) {
    process.stdout.write(`beacon: dist/${id} is up to date\n`);
  } else {
    await compile(ROOT, sources, id);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(`beacon: compiled ${sources.compile.length} files to dist/${id} in ${seconds} s\n`);
  }
}

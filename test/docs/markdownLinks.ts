import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const repositoryRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The documents a reader of the repository is pointed to: README, SECURITY and every page of docs/. */
export function documentationFiles(root = repositoryRoot): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', 'SECURITY.md', ...docs];
}

export interface MarkdownLink {
  /** 1-based line of the link in its file. */
  line: number;
  target: string;
}

/**
 * Lines of a Markdown text with fenced code blocks blanked (kept as empty
 * lines so numbering stays right). Inline code spans are removed unless
 * `keepCode`: a link written inside code is an example, not a link, but a
 * heading's code is part of its anchor.
 */
function proseLines(markdown: string, keepCode = false): string[] {
  let fence: string | undefined;
  return markdown.split('\n').map((line) => {
    const marker = /^\s*(```+|~~~+)/.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return '';
    }
    if (marker !== undefined) {
      fence = marker;
      return '';
    }
    return keepCode ? line : line.replace(/(`+)[^`]*?\1/g, '');
  });
}

/** Every link and image target in a Markdown text: `[text](target)`, `![alt](src)`, `<a href="…">`, `[label]: target`. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  proseLines(markdown).forEach((text, index) => {
    const line = index + 1;
    for (const match of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line, target: match[1]! });
    for (const match of text.matchAll(/<(?:a|img)\s[^>]*?(?:href|src)="([^"]+)"/g)) links.push({ line, target: match[1]! });
    const reference = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(\s|$)/.exec(text);
    if (reference) links.push({ line, target: reference[1]! });
  });
  return links;
}

/** GitHub's anchor for a heading's text: lower case, punctuation dropped, spaces as hyphens. */
export function headingSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link's text
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/[*`]/g, ''); // emphasis and code marks
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a Markdown file's headings make, numbered as GitHub numbers repeats (`x`, `x-1`, …). */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const text of proseLines(markdown, true)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const slug = headingSlug(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/**
 * What is wrong with one link of `file` (a path relative to `root`), or
 * undefined when it resolves: a relative path must name a file or folder
 * inside the repository, and an anchor into a Markdown file must be one of
 * its headings. Links with a scheme (`https:`, `mailto:`) are not followed.
 */
export function brokenLinkReason(file: string, target: string, root = repositoryRoot): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const [rawPath = '', anchor] = target.split('#', 2) as [string, string | undefined];
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return `"${target}" is not a valid URL path`;
  }
  if (path.startsWith('/')) return `"${target}" is an absolute path; write it relative to ${file}`;
  const absolute = path === '' ? join(root, file) : resolve(root, dirname(file), path);
  const inside = relative(root, absolute);
  if (inside === '..' || inside.startsWith(`..${sep}`)) return `"${target}" points outside the repository`;
  if (!existsSync(absolute)) return `"${target}" names ${inside}, which does not exist`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!absolute.endsWith('.md') || statSync(absolute).isDirectory()) return undefined;
  const anchors = headingAnchors(readFileSync(absolute, 'utf8'));
  if (!anchors.has(anchor.toLowerCase())) return `"${target}": ${inside} has no heading whose anchor is #${anchor}`;
  return undefined;
}

/** Every broken link of the given files, as `file:line: reason`. */
export function brokenLinks(files: string[], root = repositoryRoot): string[] {
  return files.flatMap((file) =>
    markdownLinks(readFileSync(join(root, file), 'utf8')).flatMap(({ line, target }) => {
      const reason = brokenLinkReason(file, target, root);
      return reason === undefined ? [] : [`${file}:${line}: ${reason}`];
    }),
  );
}

/**
 * Mentions of places outside the repository that a clone does not have:
 * a sibling checkout's `../shared` folder, or a design file said to lie
 * beside the repository. As `file:line: text`.
 */
export function mentionsOutsideRepository(files: string[], root = repositoryRoot): string[] {
  return files.flatMap((file) =>
    readFileSync(join(root, file), 'utf8')
      .split('\n')
      .flatMap((text, index) => (/\.\.\/shared\b|\bDESIGN\.md\b/.test(text) ? [`${file}:${index + 1}: ${text.trim()}`] : [])),
  );
}

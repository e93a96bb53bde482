import { describe, expect, it } from 'vitest';
import { brokenLinkReason, brokenLinks, documentationFiles, headingAnchors, markdownLinks, mentionsOutsideRepository } from './markdownLinks.ts';

describe('links in README, SECURITY and docs/', () => {
  const files = documentationFiles();

  it('covers README.md, SECURITY.md and every page of docs/', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'SECURITY.md', 'docs/architecture.md', 'docs/configuration.md', 'docs/api.md']));
  });

  it('every relative link names a file in the repository, and every anchor a heading of it', () => {
    expect(brokenLinks(files)).toEqual([]);
  });

  it('nothing points to a sibling checkout or a design file outside the repository', () => {
    expect(mentionsOutsideRepository(files)).toEqual([]);
  });
});

describe('the link check itself', () => {
  it('finds links in prose, not in code', () => {
    const markdown = ['See [scaling](docs/scaling.md#keys) and ![a page](docs/images/x.png).', '`[not](a-link.md)`', '```', '[nor](this.md)', '```', '<a href="SECURITY.md">s</a>'].join('\n');
    expect(markdownLinks(markdown)).toEqual([
      { line: 1, target: 'docs/scaling.md#keys' },
      { line: 1, target: 'docs/images/x.png' },
      { line: 6, target: 'SECURITY.md' },
    ]);
  });

  it('names a missing file, a missing anchor and a path outside the repository', () => {
    expect(brokenLinkReason('README.md', 'docs/nowhere.md')).toMatch(/docs\/nowhere\.md, which does not exist/);
    expect(brokenLinkReason('README.md', 'docs/scaling.md#no-such-heading')).toMatch(/no heading whose anchor is #no-such-heading/);
    expect(brokenLinkReason('docs/api.md', '../../shared/DESIGN.md')).toMatch(/outside the repository/);
    expect(brokenLinkReason('docs/api.md', 'scaling.md#keys')).toBeUndefined();
    expect(brokenLinkReason('README.md', 'https://example.org/anything')).toBeUndefined();
  });

  it('makes anchors as GitHub does', () => {
    expect(headingAnchors('# A `wharf gateway` page: CKAN, DCAT-AP\n## Keys\n## Keys')).toEqual(new Set(['a-wharf-gateway-page-ckan-dcat-ap', 'keys', 'keys-1']));
  });
});

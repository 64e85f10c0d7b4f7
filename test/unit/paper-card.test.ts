import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blankRow, toPaper } from '../../src/catalog/paper.ts';
import { compactCount, paperCard, type CardFacts } from '../../src/web/views/paper-card.ts';
import { remoteImageUrl } from '../../src/web/remote-images.ts';
import { parseXml } from '../helpers/xml.ts';

const base = toPaper(blankRow({ arxivId: '2507.01853', title: 'Eka-Eval <b>', authors: ['Anh Do'], githubRepo: 'https://github.com/a/b', dailyDate: '2025-07-07', source: 'test' }));
const card = (facts: CardFacts) => paperCard({ ...base, ...facts } as typeof base).value;

describe('paper cards', () => {
  it('a thumbnail loads lazily over a placeholder naming the paper, and is decorative', () => {
    const html = card({ thumbnail: 'https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2507.01853.png' });
    assert.match(html, /<article class="card has-thumb"/);
    assert.match(html, /<a class="thumb" href="\/papers\/2507.01853" tabindex="-1" aria-hidden="true"><span class="thumb-id">arXiv:2507.01853<\/span><img src="https:\/\/cdn-thumbnails.huggingface.co\/social-thumbnails\/papers\/2507.01853.png" alt="" data-placeholder="arXiv:2507.01853" loading="lazy" decoding="async" width="240" height="126"><\/a>/);
    // Well-formed markup (as XML) with no inline style or handler: it fits the strict CSP.
    parseXml(html.replace(/<img([^>]*)>/g, '<img$1/>'));
    assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/);
  });

  it('no thumbnail, no image box; a thumbnail off Hugging Face’s hosts is dropped', () => {
    for (const thumbnail of [null, undefined, '', 'javascript:alert(1)', 'data:image/png;base64,AAAA', 'https://elsewhere.example/t.png']) {
      const html = card({ thumbnail });
      assert.doesNotMatch(html, /class="thumb"/, String(thumbnail));
      assert.match(html, /<article class="card" /);
    }
  });

  it('organisation, GitHub stars and submitter, escaped; Hugging Face avatar paths made absolute', () => {
    const html = card({
      githubStars: 12_345,
      organization: { name: 'nvidia', fullname: 'NVIDIA <Research>', avatarUrl: 'https://cdn-avatars.huggingface.co/nvidia.png' },
      submittedBy: { user: 'RajveeSheth', fullname: 'Rajvee "R" Sheth', avatarUrl: '/avatars/b43e.svg' },
    });
    assert.match(html, /<span class="org"><img class="avatar" src="https:\/\/cdn-avatars.huggingface.co\/nvidia.png" alt="" loading="lazy" decoding="async" width="16" height="16">NVIDIA &lt;Research&gt;<\/span>/);
    assert.match(html, /<a class="chip code" href="https:\/\/github.com\/a\/b" rel="noopener" title="12345 GitHub stars">code <span class="stars">★ 12k<\/span><\/a>/);
    assert.match(html, /<span class="submitter">Submitted by <img class="avatar" src="https:\/\/huggingface.co\/avatars\/b43e.svg"[^>]*>Rajvee &quot;R&quot; Sheth<\/span>/);
    assert.match(card({ submittedBy: 'akhaliq' }), /<span class="submitter">Submitted by akhaliq<\/span>/);
    assert.doesNotMatch(card({ githubStars: 0 }), /stars/);
  });

  it('formats counts and image URLs', () => {
    assert.deepEqual([0, 999, 1000, 1234, 9_950, 12_345, 250_000].map(compactCount), ['0', '999', '1k', '1.2k', '9.9k', '12k', '250k']);
    assert.equal(remoteImageUrl('/avatars/x.svg'), 'https://huggingface.co/avatars/x.svg');
    assert.equal(remoteImageUrl('https://cdn-avatars.huggingface.co/v1/production/uploads/a.jpeg'), 'https://cdn-avatars.huggingface.co/v1/production/uploads/a.jpeg');
    // Only the hosts the CSP allows: anything else would be blocked, so it gets the placeholder.
    for (const bad of ['//evil.example/x.png', 'https://evil.example/x.png', 'http://huggingface.co/x.png', 'https://huggingface.co.evil.example/x.png', 'javascript:alert(1)', 'not a url']) {
      assert.equal(remoteImageUrl(bad), null, bad);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../shared/encoding';

describe('escapeHtml', () => {
  it.each([
    ['张伟', '张伟'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [`a"b'c`, 'a&quot;b&#39;c'],
    ['&amp;', '&amp;amp;'],
    ['', ''],
  ])('%j → %j', (text, html) => {
    expect(escapeHtml(text)).toBe(html);
  });
});

/**
 * The only remote hosts pages load images from: Hugging Face's, where the imported data's thumbnails,
 * media and avatars live. The CSP's img-src (plugins/security.ts) allows exactly these, and the views
 * render an image only when its URL is on one of them — anything else gets the placeholder, so a page
 * never asks for an image the policy would block.
 */
export const REMOTE_IMAGE_ORIGINS = ['https://cdn-thumbnails.huggingface.co', 'https://cdn-avatars.huggingface.co', 'https://huggingface.co'] as const;

/** An image URL the pages may load: on an allowed host (Hugging Face's site-relative avatar paths resolved), else null. */
export function remoteImageUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  const abs = url.startsWith('/') && !url.startsWith('//') ? `https://huggingface.co${url}` : url;
  let u: URL;
  try {
    u = new URL(abs);
  } catch {
    return null;
  }
  return (REMOTE_IMAGE_ORIGINS as readonly string[]).includes(u.origin) && !/[\s"'<>]/.test(abs) ? u.href : null;
}

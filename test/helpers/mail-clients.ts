/**
 * The real mail tools the digest tests hand our messages to, from Debian's packages: SpamAssassin
 * (the spam filter most mail servers run) and dkimpy (python3-dkim, the DKIM verifier behind
 * dkimpy-milter). A missing one skips with the apt-get line to install it, except under CI=true,
 * where .ci/run installs them and a missing one is an error.
 */
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { DEBIAN_PYTHON, runWithInput } from './clients.ts';
import { IN_CI } from './stores.ts';

const TOOLS = {
  spamassassin: { pkg: 'spamassassin', ok: () => fs.existsSync('/usr/bin/spamassassin') },
  dkimpy: {
    pkg: 'python3-dkim',
    ok: () => {
      try {
        execFileSync(DEBIAN_PYTHON, ['-c', 'import dkim'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    },
  },
} as const;

/** Null when the tool can run here, else why not (under CI that is an error). */
export function mailToolSkipReason(tool: keyof typeof TOOLS): string | null {
  const t = TOOLS[tool];
  if (t.ok()) return null;
  const why = `${tool} not found (apt-get install ${t.pkg})`;
  if (IN_CI) throw new Error(`CI=true and ${why}`);
  console.log(`# skipping ${tool} test: ${why}`);
  return why;
}

export interface SpamReport {
  score: number;
  required: number;
  /** The rules that fired, with their points. */
  rules: Array<{ name: string; points: number }>;
  /** SpamAssassin's own report text. */
  report: string;
}

/**
 * Score a raw message with SpamAssassin, local tests only (-L: no DNS blocklists, no Razor/Pyzor),
 * in test mode (-t), and read the score and the rules that fired from its report.
 */
export async function spamassassin(raw: string): Promise<SpamReport> {
  const out = await runWithInput('/usr/bin/spamassassin', ['-L', '-t'], raw);
  const status = /^X-Spam-Status: (?:Yes|No), score=(-?[\d.]+) required=([\d.]+)/m.exec(out);
  if (!status) throw new Error(`no X-Spam-Status in SpamAssassin's output:\n${out.slice(0, 2000)}`);
  // The report table: " pts rule name              description" then lines like " 0.1 DKIM_SIGNED  Message has a DKIM…".
  const table = out.slice(out.indexOf('Content analysis details:'));
  const rules = [...table.matchAll(/^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s/gm)].map((m) => ({ name: m[2]!, points: Number(m[1]) }));
  return { score: Number(status[1]), required: Number(status[2]), rules, report: table.split('\n').slice(0, 40).join('\n') };
}

/**
 * Verify a message's DKIM signature with dkimpy, answering its DNS query for `<selector>._domainkey.<domain>`
 * with the given public key (no network): true when the signature and the body hash check out.
 */
export async function dkimVerify(raw: string, publicKeyPem: string): Promise<{ ok: boolean; domain: string; selector: string }> {
  const p = publicKeyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const script = `
import sys, json, dkim, re
msg = sys.stdin.buffer.read()
sig = re.search(rb'^DKIM-Signature:(.*?)\\r?\\n(?![ \\t])', msg, re.S | re.M | re.I)
tags = dict(re.findall(r'\\b([a-z]+)=([^;]*)', re.sub(r'\\s+', '', sig.group(1).decode()))) if sig else {}
asked = []
def dns(name, timeout=5):
    asked.append(name.decode() if isinstance(name, bytes) else name)
    return b'v=DKIM1; k=rsa; p=${p}'
ok = bool(sig) and dkim.verify(msg, dnsfunc=dns)
print(json.dumps({"ok": ok, "domain": tags.get("d", ""), "selector": tags.get("s", ""), "asked": asked}))
`;
  return JSON.parse(await runWithInput(DEBIAN_PYTHON, ['-c', script], raw)) as { ok: boolean; domain: string; selector: string };
}

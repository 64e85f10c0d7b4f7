#!/usr/bin/env node
// The `paperboy` bin: registers tsx so the TypeScript sources run as they are, then hands over.
import { register } from 'tsx/esm/api';

register();
await import('../src/main/cli.ts');

#!/usr/bin/env node
// The `auth-emulators` command. This file is committed (not built) so that `pnpm install` can link
// it in a fresh clone before anything is built; the command itself is dist/cli.js.
import '../dist/cli.js';

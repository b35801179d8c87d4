import { beforeAll } from 'vitest';
import { forgetFlowVersions } from '../../src/domain/flows/flow-versions';
import { forgetVerifiedTokens } from '../../src/domain/fhir/client-revocations';
import { resetClock } from './clock';

// Tests never depend on the machine's time zone: everything passes Asia/Tokyo or another zone explicitly.
process.env.TZ = 'UTC';

// Test files share a process (vitest `isolate: false`): what a process keeps about its one
// database is forgotten before each file, whose database is a fresh clone of the template
// (the same flow and version ids, other rows behind them). The shared test clock starts over.
beforeAll(() => {
  resetClock();
  forgetFlowVersions();
  forgetVerifiedTokens();
});

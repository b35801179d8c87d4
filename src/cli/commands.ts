import type { CliCommand } from './command';
import { createFhirClientCommand } from './create-fhir-client';
import { createStaffCommand } from './create-staff';
import { createTokenCommand } from './create-token';
import { lineRichMenuCommand } from './line-rich-menu';
import { migrateCommand } from './migrate';
import { runRoundCommand } from './run-round';
import { seedDemoCommand } from './seed-demo';

/** Every CLI command. Add yours here when you add its file. */
export const COMMANDS: readonly CliCommand[] = [migrateCommand, seedDemoCommand, createStaffCommand, createTokenCommand, runRoundCommand, lineRichMenuCommand, createFhirClientCommand];

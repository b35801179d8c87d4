import { backupCommand, restoreCommand } from './backup';
import type { CliCommand } from './command';
import { createFhirClientCommand } from './create-fhir-client';
import { createStaffCommand } from './create-staff';
import { createTokenCommand } from './create-token';
import { importPersonsCommand } from './import-persons';
import { importInstitutionsCommand, importJurisdictionsCommand } from './import-registers';
import { inviteStaffCommand } from './invite-staff';
import { inviteFacilityAccountCommand } from './invite-facility-account';
import { lineRichMenuCommand } from './line-rich-menu';
import { migrateCommand } from './migrate';
import { runRoundCommand } from './run-round';
import { seedDemoCommand } from './seed-demo';

/** Every CLI command. Add yours here when you add its file. */
export const COMMANDS: readonly CliCommand[] = [migrateCommand, seedDemoCommand, createStaffCommand, inviteStaffCommand, inviteFacilityAccountCommand, createTokenCommand, runRoundCommand, lineRichMenuCommand, importJurisdictionsCommand, importInstitutionsCommand, importPersonsCommand, backupCommand, restoreCommand, createFhirClientCommand];

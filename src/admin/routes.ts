import { Hono } from 'hono';
import type { Deps } from '../deps';
import { createTryAsPatientRoutes } from './pages/persons/try-as-patient-routes';
import { createExportApiRoutes } from './api/export';
import { createImportApi } from './api/imports';
import { createFlowApiRoutes } from './api/flows';
import { createAlertApi } from './api/alerts';
import { buildOpenApiDocument } from './api/openapi';
import { createPersonApi } from './api/persons';
import { createPersonRecordApi } from './api/person-records';
import { createTokenApi } from './api/tokens';
import { createStaffApi } from './api/staff';
import { createStatsApiRoutes } from './api/stats';
import { createOnCallApi } from './api/on-call';
import { createOnCallPages } from './pages/on-call/on-call-page';
import { createInstitutionApi } from './api/institutions';
import { createJurisdictionApi } from './api/jurisdictions';
import { createNotificationApi } from './api/notifications';
import { createCaseloadApi } from './api/caseload';
import { createCaseloadRoutes } from './pages/lifecycle/caseload-routes';
import { createPauseApi } from './api/pauses';
import { createHouseholdFacilityApi } from './api/households-facilities';
import { createPauseRoutes } from './pages/lifecycle/pause-routes';
import { createHouseholdRoutes } from './pages/persons/household-routes';
import { createFacilityPages } from './pages/facilities/routes';
import { createFacilityRoundPages, facilityAccountFence, facilityRoundFormLimit } from './pages/facilities/round-pages';
import { createCertificateApi } from './api/certificates';
import { createCertificateRoutes } from './pages/lifecycle/certificate-routes';
import { createRetentionApi } from './api/retention';
import { createRetentionRoutes } from './pages/lifecycle/retention-page';
import { createAssetRoutes } from './assets';
import { staffAuth } from './auth/staff-auth';
import { onQueuesBoard } from './queues-board';
import type { AdminEnv } from './auth/types';
import { createAccountRoutes } from './pages/account';
import { createAuditRoutes } from './pages/audit-page';
import { createStaffPageRoutes } from './pages/staff-page';
import { createCentrePages } from './pages/centres/routes';
import { createInstitutionPages } from './pages/institutions/routes';
import { NotificationHub } from './pages/notifications/notification-hub';
import { createNotificationPages } from './pages/notifications/routes';
import { createEnrolRoutes } from './pages/enrol-page';
import { createInvitationPageRoutes } from './pages/invitations-page';
import { createFhirClientPageRoutes } from './pages/fhir-clients-page';
import { createFlowPages } from './pages/flows/routes';
import { createImportPages, importUploadLimit } from './pages/imports/routes';
import { createReportPages } from './pages/reports/routes';
import { createLoginRoutes } from './pages/login';
import { createPersonListRoutes } from './pages/persons/list-page';
import { createPersonPageRoutes } from './pages/persons/person-page';
import { createAlertPageRoutes } from './pages/triage/alert-page';
import { createTriageRoutes } from './pages/triage/queue-page';
import { AlertHub } from './pages/triage/alert-hub';
import { consolePageErrors } from './ui/page-errors';
import { csrfFailurePage } from './ui/csrf-page';
import { consoleSecurityHeaders } from './security-headers';

/**
 * The staff console and its JSON API, composed from routers: pages under /admin (signed-in
 * except /admin/login and /admin/assets), the API under /api/v1 (session or bearer token).
 * Each area adds its routers below with one line.
 */
export function createAdminRoutes(deps: Deps) {
  const app = new Hono<AdminEnv>();
  const hub = new AlertHub(deps);
  const notificationHub = new NotificationHub(deps);

  // Public: assets, sign-in, language switch, the API description.
  app.route('/admin/assets', createAssetRoutes());
  app.use('/admin/*', consoleSecurityHeaders());
  app.use('/admin', consoleSecurityHeaders());
  app.route('/admin', createLoginRoutes(deps));
  app.route('/admin', createEnrolRoutes(deps)); // one-time enrolment and password-reset links
  app.get('/api/v1/openapi.json', (c) => c.json(buildOpenApiDocument()));

  // Everything else needs a signed-in staff user.
  const pages = new Hono<AdminEnv>();
  pages.use('*', csrfFailurePage());
  pages.use('*', staffAuth(deps, { bearerOutsideApi: onQueuesBoard }));
  pages.use('*', facilityAccountFence); // a facility's account: its round pages only
  pages.onError(consolePageErrors(deps));
  // --- console pages (one line per router) ---
  pages.route('/', createAccountRoutes(deps));
  pages.route('/', createFlowPages(deps));
  pages.route('/', createReportPages(deps));
  pages.route('/', createFacilityRoundPages(deps)); // a facility's account: its round pages (and its home, before the alert queue's)
  pages.route('/', createTriageRoutes(deps, hub));
  pages.route('/', createAlertPageRoutes(deps));
  pages.route('/', createPersonListRoutes(deps));
  pages.route('/', createPersonPageRoutes(deps));
  pages.route('/', createCaseloadRoutes(deps)); // 担当, 電話連絡
  pages.route('/', createPauseRoutes(deps)); // 一時停止
  pages.route('/', createHouseholdRoutes(deps)); // 世帯（代理報告）
  pages.route('/', createFacilityPages(deps)); // 施設（一括報告）
  pages.route('/', createCertificateRoutes(deps)); // 証明書
  pages.route('/', createRetentionRoutes(deps)); // 保存期限と削除
  pages.route('/', createAuditRoutes(deps));
  pages.route('/', createInvitationPageRoutes(deps));
  pages.route('/', createStaffPageRoutes(deps));
  pages.route('/', createOnCallPages(deps));
  pages.route('/', createImportPages(deps));
  pages.route('/', createCentrePages(deps));
  pages.route('/', createInstitutionPages(deps));
  pages.route('/', createNotificationPages(deps, notificationHub));
  pages.route('/', createFhirClientPageRoutes(deps)); // FHIR API clients (officers)
  pages.route('/', createTryAsPatientRoutes(deps)); // 患者として試す: web check as the patient (not in production)

  const api = new Hono<AdminEnv>();
  api.use('*', async (c, next) => {
    await next();
    c.res.headers.set('cache-control', 'no-store');
  });
  api.use('*', staffAuth(deps));
  api.use('*', facilityAccountFence);
  // --- API routers (one line per router) ---
  api.route('/', createAlertApi(deps));
  api.route('/', createTokenApi(deps));
  api.route('/', createStaffApi(deps));
  api.route('/', createPersonApi(deps));
  api.route('/', createPersonRecordApi(deps));
  api.route('/', createFlowApiRoutes(deps));
  api.route('/', createStatsApiRoutes(deps));
  api.route('/', createExportApiRoutes(deps));
  api.route('/', createOnCallApi(deps));
  api.route('/', createImportApi(deps));
  api.route('/', createJurisdictionApi(deps));
  api.route('/', createInstitutionApi(deps));
  api.route('/', createNotificationApi(deps));
  api.route('/', createCaseloadApi(deps));
  api.route('/', createPauseApi(deps));
  api.route('/', createHouseholdFacilityApi(deps)); // 世帯・施設
  api.route('/', createCertificateApi(deps));
  api.route('/', createRetentionApi(deps));

  // The upload form's body is read by the session check (its _csrf field): limit it first.
  app.use('/admin/imports', importUploadLimit);
  app.use('/admin/facility-rounds/*', facilityRoundFormLimit);
  app.route('/admin', pages);
  app.route('/api/v1', api);
  return app;
}

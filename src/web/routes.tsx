import { lazy, type ReactNode, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import type { Permission } from '../shared/permissions.js';
import { Layout } from './components/Layout.js';
import { RequireAccess } from './components/RequireAccess.js';
import { AlertsPage, UnsubscribePage } from './pages/AlertsPage.js';
import { FamilyPage } from './pages/FamilyPage.js';
import { HomePage } from './pages/HomePage.js';
import { InvitePage } from './pages/InvitePage.js';
import { MegaphonePage } from './pages/MegaphonePage.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { PlanPage } from './pages/PlanPage.js';
import { ReportPage } from './pages/ReportPage.js';
import { RightsCardsPage } from './pages/RightsCardsPage.js';
import { RightsPage } from './pages/RightsPage.js';
import { SignInPage } from './pages/SignInPage.js';
import { StatusPage } from './pages/StatusPage.js';
import { ConfirmSubscriptionPage, ManageSubscriptionPage, SubscribePage } from './pages/SubscribePages.js';

// Staff pages are separate chunks: the public pages never download them.
const DispatchPage = lazy(() => import('./pages/DispatchPage.js'));
const AccountPage = lazy(() => import('./pages/AccountPage.js'));
const AdminPage = lazy(() => import('./pages/AdminPage.js'));
const HotlinePage = lazy(() => import('./pages/IntakePage.js'));
const FieldReportPage = lazy(() => import('./pages/FieldReportPage.js'));
const AlertingPage = lazy(() => import('./pages/AlertingPage.js'));
const ResponderPage = lazy(() => import('./pages/ResponderPage.js'));
const EvidencePage = lazy(() => import('./pages/EvidencePage.js'));
const CasesPage = lazy(() => import('./pages/CasesPage.js'));

const staff = (page: ReactNode, permission?: Permission | readonly Permission[]) => (
  <RequireAccess permission={permission}>
    <Suspense fallback={null}>{page}</Suspense>
  </RequireAccess>
);

/** Every page of the web app, rendered by the browser and (the public ones) by the server: one route table. */
export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<HomePage />} />
        <Route path="report" element={<ReportPage />} />
        <Route path="status" element={<StatusPage />} />
        <Route path="subscribe" element={<SubscribePage />} />
        <Route path="subscribe/confirm" element={<ConfirmSubscriptionPage />} />
        <Route path="subscription" element={<ManageSubscriptionPage />} />
        <Route path="alerts" element={<AlertsPage />} />
        <Route path="plan" element={<PlanPage />} />
        <Route path="family" element={<FamilyPage />} />
        <Route path="rights" element={<RightsPage />} />
        <Route path="rights/cards" element={<RightsCardsPage />} />
        <Route path="rights/megaphone" element={<MegaphonePage />} />
        <Route path="unsubscribe" element={<UnsubscribePage />} />
        <Route path="signin" element={<SignInPage />} />
        <Route path="invite" element={<InvitePage />} />
        <Route path="dispatch" element={staff(<DispatchPage />, 'incidents:read')} />
        <Route path="hotline" element={staff(<HotlinePage />, 'reports:intake')} />
        <Route path="field" element={staff(<FieldReportPage />, 'reports:field')} />
        <Route path="alerting" element={staff(<AlertingPage />, 'alerts:read')} />
        <Route path="responder" element={staff(<ResponderPage />, 'responders:self')} />
        <Route path="evidence" element={staff(<EvidencePage />, 'evidence:legal')} />
        <Route path="cases" element={staff(<CasesPage />, 'cases:work')} />
        <Route path="account" element={staff(<AccountPage />)} />
        <Route path="admin" element={staff(<AdminPage />, ['people:manage', 'rights:review'])} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

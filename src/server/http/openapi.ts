import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** OpenAPI generated from the routes' zod schemas, at /api/openapi.json, with a browsable UI at /api/docs. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Faro API',
        version: '0.1.0',
        description: 'The API of Faro, a platform for community rapid-response networks.',
      },
      tags: [
        { name: 'reports', description: 'Reports of enforcement activity' },
        { name: 'zones', description: 'Neighborhoods the network covers' },
        { name: 'realtime', description: 'Live updates' },
        { name: 'operations', description: 'Health and readiness' },
        { name: 'access', description: 'Sign-in, second factor, sessions, invitations' },
        { name: 'admin', description: 'People, organizations, invitations and the audit log' },
        { name: 'plans', description: 'Emergency plans: written, opened and activated with a code and PIN' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  app.get('/api/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () =>
    app.swagger(),
  );
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
}

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Fen, problems } from '../http/schemas.js';

const Rates = z
  .object({
    voice: z.object({
      offnetFenPerMinute: Fen,
      onnetFenPerMinute: Fen,
      switchboardInboundFenPerMinute: Fen,
      switchboardOutboundFenPerMinute: Fen,
    }),
    sms: z.object({ offnetFenPerMessage: Fen, onnetFenPerMessage: Fen }),
    switchboard: z.object({ monthlyFeeFen: Fen }),
    ringback: z.object({ functionFeeFenPerMemberMonth: Fen, productionFeeFenPerTone: Fen }),
    conference: z.object({
      fenPerParticipantMinute: Fen,
      packages: z.array(
        z.object({
          id: z.string().min(1),
          name: z.string(),
          monthlyFeeFen: Fen,
          includedMinutes: z.number().int().min(0),
        }),
      ),
    }),
    voiceLine: z.object({ localFenPerMinute: Fen, longDistanceFenPerMinute: Fen, monthlyMinimumFen: Fen }),
  })
  .meta({ id: 'TariffRates' });

const Version = z.object({ effectiveFrom: z.iso.date(), rates: Rates }).meta({ id: 'TariffVersion' });
const Catalogue = z.object({ versions: z.array(Version) }).meta({ id: 'TariffCatalogue' });

const routes: FastifyPluginAsyncZod = async (app) => {
  const tariffs = app.services.tariffs;

  app.get(
    '/tariffs',
    {
      schema: {
        tags: ['billing'],
        operationId: 'getTariffs',
        summary: 'The tariff catalogue: versions effective from a date (Asia/Shanghai midnight)',
        response: { 200: Catalogue, ...problems() },
      },
    },
    async () => ({ versions: tariffs.versions() }),
  );

  app.put(
    '/tariffs',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['billing'],
        operationId: 'putTariffVersion',
        summary: 'Add a tariff version, or replace the one with the same effectiveFrom (admin)',
        body: Version,
        response: { 200: Catalogue, ...problems(403) },
      },
    },
    async (request) => {
      await tariffs.put(request.body);
      return { versions: tariffs.versions() };
    },
  );
};

export default routes;

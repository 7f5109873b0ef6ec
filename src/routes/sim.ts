import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isSimulated } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import { AnyNumber, Instant, LATEST_INSTANT_MS, problems } from '../http/schemas.js';

const ClockState = z.object({ mode: z.enum(['real', 'simulated']), now: z.string() }).meta({ id: 'Clock' });

const Subscriber = z
  .object({
    msisdn: z.string(),
    behaviour: z.enum(['manual', 'answer', 'busy', 'no_answer', 'reject']),
    afterSeconds: z.number().int(),
  })
  .meta({ id: 'SimSubscriber' });

const SubscriberParams = z.object({ msisdn: AnyNumber });

const routes: FastifyPluginAsyncZod = async (app) => {
  const { clock, subscribers } = app.services;

  app.get(
    '/sim/subscribers/:msisdn',
    {
      schema: {
        tags: ['system'],
        operationId: 'getSimSubscriber',
        summary: 'How a simulated subscriber answers when alerted (`manual` unless set)',
        params: SubscriberParams,
        response: { 200: Subscriber, ...problems(404) },
      },
    },
    async (request) => subscribers.get(request.params.msisdn, request.principal),
  );

  app.put(
    '/sim/subscribers/:msisdn',
    {
      schema: {
        tags: ['system'],
        operationId: 'putSimSubscriber',
        summary:
          'Make an alerted subscriber act by itself afterSeconds after the alert (0: at once); with CLOCK=simulated it acts when the clock passes that time',
        params: SubscriberParams,
        body: z.object({
          behaviour: z.enum(['manual', 'answer', 'busy', 'no_answer', 'reject']),
          afterSeconds: z.number().int().min(0).max(86_400).default(0),
        }),
        response: { 200: Subscriber, 201: Subscriber, ...problems(404) },
      },
    },
    async (request, reply) => {
      const { created, subscriber } = await subscribers.put(
        request.params.msisdn,
        request.body,
        request.principal,
      );
      return reply.code(created ? 201 : 200).send(subscriber);
    },
  );
  const state = () => ({ mode: clock.mode, now: new Date(clock.now()).toISOString() });

  app.get(
    '/sim/clock',
    {
      schema: {
        tags: ['system'],
        operationId: 'getClock',
        summary: 'Read the service clock',
        response: { 200: ClockState, ...problems() },
      },
    },
    async () => state(),
  );

  app.post(
    '/sim/clock',
    {
      // Every tenant shares the one clock: only the operator of the simulation moves it.
      config: { access: 'admin' },
      schema: {
        tags: ['system'],
        operationId: 'moveClock',
        summary:
          'Move the simulated clock forward (CLOCK=simulated only; admin key); due work runs as it passes',
        body: z
          .object({
            now: Instant.optional(),
            advanceSeconds: z
              .number()
              .min(0)
              .max(10 * 365 * 86_400)
              .optional(),
          })
          .refine((b) => (b.now === undefined) !== (b.advanceSeconds === undefined), {
            message: 'give exactly one of now or advanceSeconds',
          }),
        response: { 200: ClockState, ...problems(403, 409, 422) },
      },
    },
    async (request) => {
      if (!isSimulated(clock))
        throw new AppError('clock_not_simulated', 'start the service with CLOCK=simulated');
      const { now, advanceSeconds } = request.body;
      const target = now ?? clock.now() + Math.round((advanceSeconds ?? 0) * 1000);
      if (target < clock.now()) {
        throw new AppError('clock_in_past', 'the simulated clock only moves forward', [
          { path: 'now', message: `before the clock (${new Date(clock.now()).toISOString()})` },
        ]);
      }
      if (target > LATEST_INSTANT_MS) {
        throw new AppError('clock_out_of_range', 'the simulated clock stops at 9999-01-01T00:00:00Z', [
          {
            path: advanceSeconds === undefined ? 'now' : 'advanceSeconds',
            message: 'past 9999-01-01 (UTC)',
          },
        ]);
      }
      clock.advanceTo(target);
      // Due work (answers, conference starts and ends) ran as the clock passed: answer once
      // its writes have committed.
      await app.services.writesSettled();
      return state();
    },
  );
};

export default routes;

import { BadRequestException } from '@nestjs/common';
import { ProcessRequestPipe } from './process-request.pipe';

describe('ProcessRequestPipe', () => {
  const pipe = new ProcessRequestPipe();

  it('returns the validated request', () => {
    expect(pipe.transform({ text: 'Hi.', operation: 'qa', question: 'Who?', options: { a: 1 } })).toEqual({
      operation: 'qa',
      text: 'Hi.',
      question: 'Who?',
      options: { a: 1 },
    });
  });

  it('throws a 400 whose message is the validation message', () => {
    const failure = (() => {
      try {
        pipe.transform({ text: 'Hi.', operation: 'qa' });
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(BadRequestException);
    expect((failure as BadRequestException).getStatus()).toBe(400);
    expect((failure as BadRequestException).getResponse()).toMatchObject({
      message: '`question` is required for the qa operation',
    });
  });
});

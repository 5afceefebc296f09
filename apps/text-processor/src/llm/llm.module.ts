import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { LLM_CLIENT } from './llm-client.interface';
import { llmClientProvider } from './llm-client.provider';
import { llmConfig } from './llm.config';

/** Provides LLM_CLIENT, configured from the LLM_* environment variables. */
@Module({
  imports: [ConfigModule.forFeature(llmConfig)],
  providers: [llmClientProvider],
  exports: [LLM_CLIENT],
})
export class LlmModule {}

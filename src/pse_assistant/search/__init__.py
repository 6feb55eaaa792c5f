"""Search: embeddings, chunking, the Chroma index in generations, hybrid retrieval and ingestion.

Lives here: `embeddings` (the offline MiniLM), `chunking` (structure-aware chunks), `index` (`ChunkIndex`,
built aside and switched in one step), `retrieval` (`HybridSearcher`, `ClauseRetriever`), `ingest` (the
user's own files). May import: `pse_assistant.core`, `pse_assistant.corpus`.
"""

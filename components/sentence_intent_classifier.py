"""A Rasa 3.6 graph component: the dialogue's intent from a logistic regression, not from DIET.

It reads each message three ways, each scaled to length one so none outweighs the others: word uni-
and bigrams, character 1-4-grams inside words (typos, Flemish spellings, compounds), and the
multilingual sentence vector that `MultilingualSentenceFeaturizer` adds (paraphrases and translations).
Why not DIET: with twice the examples DIET turned confidently wrong on plain crisis talk it had read
well ("i just drank bleach" -> thank), and its results moved when only the order of the examples
changed (issue 12's notes, sessions 25 and 27). A logistic regression has one optimum: the same
data gives the same model, and more data does not unsettle what it had learnt. DIET stays in the
pipeline for the entities only.

Its probabilities are those of a regression, not DIET's near-certain similarities, so
`FallbackClassifier` and the dialogue's crisis threshold (bot.safety.dialogue) read them as they are;
config.yml weighs the crisis intent's examples double, which lifts its probabilities on crisis talk
(the third crisis layer only ever raises the detector's question, never a takeover on its own). The
scripts/dialogue_crisis_audit.py floors in tests/test_rasa_project.py hold the crisis side.
"""
from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from components.multilingual_featurizer import MultilingualSentenceFeaturizer

log = logging.getLogger(__name__)
FILE = "intent_classifier.skops"
# What the saved model may hold when it is read back (skops refuses any other type).
TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SentenceIntentClassifier(IntentClassifier, GraphComponent):
    @classmethod
    def required_components(cls) -> list[type]:
        return [MultilingualSentenceFeaturizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # C: little regularisation, chosen by measurement (issue 12, session 28): the examples are
        # short and many intents are near neighbours, so the model may lean on single words.
        # class_weight: intents whose mistakes cost more (config.yml weighs crisis double, session 29).
        return {"C": 100.0, "max_iter": 3000, "ranking_length": 10, "class_weight": None}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: dict[str, Any] | None = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SentenceIntentClassifier:
        return cls(config, model_storage, resource)

    @staticmethod
    def _dense(message: Message) -> np.ndarray:
        sentence = message.get_dense_features(TEXT)[1]
        if sentence is None:
            raise ValueError("no sentence vector: MultilingualSentenceFeaturizer must run first")
        return np.asarray(sentence.features, dtype=np.float64).reshape(-1)

    def _matrix(self, messages: list[Message]) -> csr_matrix:
        texts = [m.get(TEXT) or "" for m in messages]
        words, chars = self.model["words"], self.model["chars"]
        dense = normalize(np.vstack([self._dense(m) for m in messages]))
        return hstack([normalize(words.transform(texts)), normalize(chars.transform(texts)),
                       csr_matrix(dense)]).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            log.debug("no intent examples: the intent classifier is not trained")
            return self._resource
        texts = [e.get(TEXT) for e in examples]
        self.model = {
            "words": TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts),
            "chars": TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True).fit(texts),
        }
        classifier = LogisticRegression(C=self.config["C"], max_iter=self.config["max_iter"],
                                        class_weight=self.config["class_weight"])
        self.model["classifier"] = classifier.fit(self._matrix(examples), [e.get(INTENT) for e in examples])
        self.persist()
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        todo = [m for m in messages if m.get(TEXT)]
        if self.model is None or not todo:
            return messages
        classifier = self.model["classifier"]
        for message, probabilities in zip(todo, classifier.predict_proba(self._matrix(todo)), strict=True):
            ranking = [{"name": str(name), "confidence": float(p)}
                       for name, p in sorted(zip(classifier.classes_, probabilities, strict=True), key=lambda kv: -kv[1])]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking[:self.config["ranking_length"]], add_to_output=True)
        return messages

    def persist(self) -> None:
        import skops.io as sio

        with self._model_storage.write_to(self._resource) as directory:
            sio.dump(self.model, directory / FILE)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> SentenceIntentClassifier:
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as directory:
                path = directory / FILE
                unknown = sio.get_untrusted_types(file=path)
                refused = [t for t in unknown if not t.startswith(TRUSTED_PREFIXES)]
                if refused:
                    raise RuntimeError(f"the saved intent classifier holds types it should not: {refused}")
                return cls(config, model_storage, resource, sio.load(path, trusted=unknown))
        except ValueError as error:
            # As Rasa's own classifiers: a model trained without intent examples has nothing to load.
            log.debug("intent classifier not loaded: %s", error)
            return cls.create(config, model_storage, resource, execution_context)

/* _tokenizer: the service's C extension. Tokenizer().tokenize(text) splits a document into
 * lowercased words and returns their ids from the tokenizer's token store; the store lives
 * as long as the Tokenizer, so a service that never replaces its Tokenizer leaks. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "token_store.h"

enum { kMaxTokenBytes = 64 };  /* longer words are cut, as a model's vocabulary would */

typedef struct {
  PyObject_HEAD
  struct token_store* store;
} Tokenizer;

static int is_word_byte(unsigned char byte) {  /* ASCII letters and digits, and all of UTF-8's multibyte */
  return byte >= 0x80 || (byte >= '0' && byte <= '9') || ((byte | 0x20) >= 'a' && (byte | 0x20) <= 'z');
}

static unsigned char lowercase(unsigned char byte) {
  return byte >= 'A' && byte <= 'Z' ? byte | 0x20 : byte;
}

/* Appends the id of TEXT[0..LENGTH), lowercased and cut to kMaxTokenBytes, to IDS. */
static int append_token_id(Tokenizer* self, PyObject* ids, const char* text, size_t length) {
  char token[kMaxTokenBytes];
  if (length > kMaxTokenBytes) length = kMaxTokenBytes;
  for (size_t i = 0; i < length; ++i) token[i] = (char)lowercase((unsigned char)text[i]);
  int64_t id = token_store_intern(self->store, token, length);
  if (id < 0) {
    PyErr_NoMemory();
    return -1;
  }
  PyObject* number = PyLong_FromLongLong(id);
  if (!number) return -1;
  int failed = PyList_Append(ids, number);
  Py_DECREF(number);
  return failed;
}

static PyObject* Tokenizer_tokenize(Tokenizer* self, PyObject* text) {
  Py_ssize_t length;
  const char* bytes = PyUnicode_AsUTF8AndSize(text, &length);
  if (!bytes) return NULL;
  PyObject* ids = PyList_New(0);
  if (!ids) return NULL;
  Py_ssize_t start = -1;
  for (Py_ssize_t i = 0; i <= length; ++i) {
    int inside = i < length && is_word_byte((unsigned char)bytes[i]);
    if (inside && start < 0) start = i;
    if (!inside && start >= 0) {
      if (append_token_id(self, ids, bytes + start, (size_t)(i - start)) != 0) {
        Py_DECREF(ids);
        return NULL;
      }
      start = -1;
    }
  }
  return ids;
}

static PyObject* Tokenizer_vocabulary_size(Tokenizer* self, void* closure) {
  (void)closure;
  return PyLong_FromSize_t(token_store_size(self->store));
}

static PyObject* Tokenizer_new(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  if (PyTuple_GET_SIZE(args) != 0 || (kwargs && PyDict_GET_SIZE(kwargs) != 0)) {
    PyErr_SetString(PyExc_TypeError, "Tokenizer() takes no arguments");
    return NULL;
  }
  Tokenizer* self = (Tokenizer*)type->tp_alloc(type, 0);
  if (!self) return NULL;
  self->store = token_store_new();
  if (!self->store) {
    Py_DECREF(self);
    return PyErr_NoMemory();
  }
  return (PyObject*)self;
}

static void Tokenizer_dealloc(Tokenizer* self) {
  token_store_free(self->store);  /* the only way the store's memory comes back */
  Py_TYPE(self)->tp_free((PyObject*)self);
}

static PyMethodDef Tokenizer_methods[] = {
    {"tokenize", (PyCFunction)Tokenizer_tokenize, METH_O,
     "tokenize(text) -> list of token ids; every new token is added to the store"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Tokenizer_getset[] = {
    {"vocabulary_size", (getter)Tokenizer_vocabulary_size, NULL, "distinct tokens in the store", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject TokenizerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_tokenizer.Tokenizer",
    .tp_basicsize = sizeof(Tokenizer),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A word tokenizer with a token store that keeps every token it has seen.",
    .tp_new = Tokenizer_new,
    .tp_dealloc = (destructor)Tokenizer_dealloc,
    .tp_methods = Tokenizer_methods,
    .tp_getset = Tokenizer_getset,
};

static struct PyModuleDef tokenizer_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_tokenizer",
    .m_doc = "The pyservice sample's tokenizer, with its ever-growing token store.",
    .m_size = -1,
};

PyMODINIT_FUNC PyInit__tokenizer(void) {
  if (PyType_Ready(&TokenizerType) < 0) return NULL;
  PyObject* module = PyModule_Create(&tokenizer_module);
  if (!module) return NULL;
  if (PyModule_AddObjectRef(module, "Tokenizer", (PyObject*)&TokenizerType) < 0) {
    Py_DECREF(module);
    return NULL;
  }
  return module;
}

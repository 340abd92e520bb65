// test_registry.cpp: (being written)
#include <gtest/gtest.h>

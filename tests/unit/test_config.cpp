// test_config.cpp: (being written)
#include <gtest/gtest.h>
